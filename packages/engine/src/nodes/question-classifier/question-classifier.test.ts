import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createModelGateway } from "../../models/create-model-gateway.ts";
import { createNodeTestContext } from "../../testing/node-test-context.ts";
import { findAnsweredClass } from "./classify-answer.ts";
import { questionClassifierNode } from "./question-classifier.node.ts";
import { questionClassifierConfigSchema, questionClassifierSchema } from "./question-classifier.schema.ts";

let server: ScriptedModelServer;
beforeAll(async () => {
  server = await startScriptedModelServer({ models: ["scripted-small", "scripted-large"] });
});
afterAll(() => server.close());
beforeEach(() => {
  server.clearRules();
  server.resetCalls();
});

const classes = [
  { id: "1", name: "Billing question" },
  { id: "2", name: "Technical problem" },
  { id: "3", name: "Something else" },
];

function run(config: Record<string, unknown> = {}) {
  const models = createModelGateway({ providers: [{ name: "local", kind: "ollama", baseUrl: server.url, isLocal: true }] });
  const context = createNodeTestContext({ pool: { start: { query: "My invoice shows the wrong amount", tone: "strict" } }, services: { models } });
  const parsed = questionClassifierConfigSchema.parse({ model: { model: "local:scripted-small" }, query: ["start", "query"], classes, ...config });
  return questionClassifierNode.run(parsed, context);
}

describe("question classifier node", () => {
  it("declares one branch per class, labelled with its name", () => {
    const config = questionClassifierConfigSchema.parse({ model: { model: "a:b" }, query: ["start", "query"], classes });
    expect(questionClassifierSchema.handles?.(config)).toEqual(classes.map((entry) => ({ id: entry.id, label: entry.name })));
  });

  it("follows the branch of the class the model names in JSON", async () => {
    server.addRule({ reply: { type: "json", value: { class_id: "1" } } });
    const result = await run({ instruction: "Be {{#start.tone#}}." });
    expect(result.branch).toBe("1");
    expect(result.outputs).toEqual({ class_name: "Billing question", class_id: "1" });
    expect(result.usage?.model).toMatchObject({ provider: "local", model: "scripted-small" });
    const call = server.calls[0];
    expect(call?.json).toBe(true);
    expect(call?.system).toContain("Be strict.");
    expect(call?.prompt).toContain('- id "2": Technical problem');
    expect(call?.prompt).toContain("My invoice shows the wrong amount");
  });

  it("accepts a bare class name or id instead of JSON", async () => {
    server.addRule({ times: 1, reply: { type: "text", text: "Technical problem." } });
    expect((await run()).branch).toBe("2");
    server.addRule({ times: 1, reply: { type: "text", text: "<think>not billing</think>3" } });
    expect((await run()).outputs).toEqual({ class_name: "Something else", class_id: "3" });
  });

  it("falls back to the next model when the answer names no class", async () => {
    server.addRule({ match: { model: "scripted-small" }, reply: { type: "json", value: { class_id: "7" } } });
    server.addRule({ match: { model: "scripted-large" }, reply: { type: "json", value: { class_id: "2" } } });
    const result = await run({ model: { model: "local:scripted-small", fallbacks: ["local:scripted-large"] } });
    expect(result.branch).toBe("2");
    expect(result.usage?.model?.model).toBe("scripted-large");
    expect(result.usage?.model?.fallbacks?.[0]).toMatchObject({ model: "local:scripted-small" });
    expect(result.usage?.model?.fallbacks?.[0]?.reason).toContain("names none of the classes");
  });

  it("fails when no model names a class", async () => {
    server.addRule({ reply: { type: "text", text: "Either a billing question or a technical problem." } });
    await expect(run({ model: { model: "local:scripted-small", fallbacks: ["local:scripted-large"] } })).rejects.toThrow(/names none of the classes/);
    expect(server.calls).toHaveLength(2);
  });

  it("reads answers robustly and never guesses between two classes", () => {
    expect(findAnsweredClass('{"category": "Billing question"}', classes)?.id).toBe("1");
    expect(findAnsweredClass("Class: 2", classes)?.id).toBe("2");
    expect(findAnsweredClass("The text is a technical problem with the login.", classes)?.id).toBe("2");
    expect(findAnsweredClass("billing question or technical problem", classes)).toBeUndefined();
    expect(findAnsweredClass("I do not know", classes)).toBeUndefined();
  });

  it("checks class ids: unique, and not the names of other handles", () => {
    const config = questionClassifierConfigSchema.parse({
      model: { model: "a:b" },
      query: ["start", "query"],
      classes: [{ id: "a", name: "A" }, { id: "a", name: "B" }, { id: "fail", name: "C" }],
    });
    expect(questionClassifierSchema.check?.(config).map((problem) => problem.path.join("."))).toEqual(["classes.1.id", "classes.2.id"]);
    expect(questionClassifierConfigSchema.safeParse({ model: { model: "a:b" }, query: ["start", "query"], classes: [{ id: "a", name: "A" }] }).success).toBe(false);
  });
});
