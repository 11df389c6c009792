import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createModelGateway } from "../../models/create-model-gateway.ts";
import { createNodeTestContext } from "../../testing/node-test-context.ts";
import { llmNode } from "./llm.node.ts";
import { llmConfigSchema, llmSchema } from "./llm.schema.ts";

let server: ScriptedModelServer;
beforeAll(async () => {
  server = await startScriptedModelServer({ models: ["scripted-small", "scripted-large"] });
});
afterAll(() => server.close());
beforeEach(() => {
  server.clearRules();
  server.resetCalls();
});

/** The real gateway, with a local provider and a cloud one, both served by the scripted server. */
function context(options: { pool?: Record<string, Record<string, unknown>>; private?: boolean } = {}) {
  const models = createModelGateway({
    providers: [
      { name: "local", kind: "openai_compatible", baseUrl: server.openaiBaseUrl, isLocal: true },
      { name: "cloud", kind: "openai_compatible", baseUrl: server.openaiBaseUrl, isLocal: false },
    ],
  });
  return createNodeTestContext({ pool: options.pool ?? { start: { name: "Ada" } }, services: { models }, private: options.private ?? false });
}

const run = (config: unknown, testContext = context()) => llmNode.run(llmConfigSchema.parse(config), testContext);

describe("llm node", () => {
  it("answers with the rendered prompt and records the gateway's usage", async () => {
    server.addRule({ match: { prompt: "Greet Ada" }, reply: { type: "text", text: "Hello, Ada!", usage: { prompt_tokens: 12, completion_tokens: 4 } } });
    const result = await run({ model: { model: "local:scripted-small" }, system: "Be brief.", messages: [{ role: "user", text: "Greet {{#start.name#}}" }], stream: false });
    expect(result.outputs).toEqual({ text: "Hello, Ada!", reasoning: "" });
    expect(server.calls[0]?.messages.map((message) => [message.role, message.content])).toEqual([
      ["system", "Be brief."],
      ["user", "Greet Ada"],
    ]);
    expect(server.calls[0]?.stream).toBe(false);
    expect(result.usage).toMatchObject({ tokensIn: 12, tokensOut: 4, model: { provider: "local", model: "scripted-small", fallbacks: [] } });
  });

  it("streams deltas and keeps <think> blocks out of the text and the stream", async () => {
    server.addRule({ reply: { type: "text", text: "<think>The user wants a greeting.</think>\n\nHello there, friend." } });
    const testContext = context();
    const result = await run({ model: { model: "local:scripted-small" }, messages: [{ role: "user", text: "Hi" }] }, testContext);
    expect(server.calls[0]?.stream).toBe(true);
    expect(testContext.deltas.length).toBeGreaterThan(1);
    expect(testContext.deltas.join("")).toBe("Hello there, friend.");
    expect(result.outputs).toEqual({ text: "Hello there, friend.", reasoning: "The user wants a greeting." });
    expect(result.usage?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it("sends the last `window` turns of the conversation between the system prompt and the messages", async () => {
    const history = [
      { role: "user", content: "q1" },
      { role: "assistant", content: "a1" },
      { role: "user", content: "q2" },
      { role: "assistant", content: "a2" },
      { role: "user", content: "q3" },
      { role: "assistant", content: "a3" },
    ];
    const config = { model: { model: "local:scripted-small" }, system: "S", messages: [{ role: "user", text: "q4" }], stream: false };
    await run({ ...config, memory: { enabled: true, window: 2 } }, context({ pool: { sys: { history } } }));
    expect(server.calls[0]?.messages.map((message) => message.content)).toEqual(["S", "q2", "a2", "q3", "a3", "q4"]);
    await run({ ...config, memory: { enabled: false, window: 2 } }, context({ pool: { sys: { history } } }));
    expect(server.calls[1]?.messages.map((message) => message.content)).toEqual(["S", "q4"]);
  });

  const personSchema = { type: "object", properties: { name: { type: "string" }, age: { type: "integer" } }, required: ["name", "age"] };

  it("parses structured output that matches the schema", async () => {
    server.addRule({ reply: { type: "text", text: 'Here you go:\n```json\n{"name": "Ada", "age": 36}\n```' } });
    const result = await run({
      model: { model: "local:scripted-small" },
      messages: [{ role: "user", text: "Who wrote the first program?" }],
      structuredOutput: { enabled: true, schema: personSchema },
    });
    expect(server.calls[0]?.json).toBe(true);
    expect(result.outputs.structured_output).toEqual({ name: "Ada", age: 36 });
    expect(llmSchema.outputs(llmConfigSchema.parse({ model: { model: "a:b" }, messages: [{ role: "user", text: "x" }], structuredOutput: { enabled: true } })).map((output) => output.name)).toEqual([
      "text",
      "reasoning",
      "structured_output",
    ]);
  });

  it("falls back to the next model when the structured output does not match the schema", async () => {
    server.addRule({ match: { model: "scripted-small" }, reply: { type: "json", value: { name: "Ada", age: "thirty-six" } } });
    server.addRule({ match: { model: "scripted-large" }, reply: { type: "json", value: { name: "Ada", age: 36 } } });
    const result = await run({
      model: { model: "local:scripted-small", fallbacks: ["local:scripted-large"] },
      messages: [{ role: "user", text: "Who?" }],
      structuredOutput: { enabled: true, schema: personSchema },
    });
    expect(result.outputs.structured_output).toEqual({ name: "Ada", age: 36 });
    expect(result.usage?.model?.model).toBe("scripted-large");
    expect(result.usage?.model?.fallbacks?.[0]?.reason).toContain("$.age: expected integer");
    expect(server.calls.map((call) => call.model)).toEqual(["scripted-small", "scripted-large"]);
  });

  it("fails when no model gives valid structured output", async () => {
    server.addRule({ reply: { type: "text", text: "I cannot answer in JSON." } });
    await expect(
      run({ model: { model: "local:scripted-small" }, messages: [{ role: "user", text: "Who?" }], structuredOutput: { enabled: true, schema: personSchema } }),
    ).rejects.toThrow(/no JSON/);
  });

  it("keeps a private workflow on local models", async () => {
    server.addRule({ reply: { type: "text", text: "local answer" } });
    const result = await run(
      { model: { model: "cloud:scripted-large", fallbacks: ["local:scripted-small"], policy: "cloud-first" }, messages: [{ role: "user", text: "secret" }] },
      context({ private: true }),
    );
    expect(result.usage?.model).toMatchObject({ provider: "local", model: "scripted-small" });
    expect(server.calls.map((call) => call.model)).toEqual(["scripted-small"]);
  });
});
