import { describe, expect, it } from "vitest";
import { createNodeTestContext } from "../../testing/node-test-context.ts";
import { startNode } from "./start.node.ts";
import { startSchema } from "./start.schema.ts";
import { validateRunInputs } from "./validate-run-inputs.ts";

const variables = startSchema.config.parse({
  variables: [
    { name: "question", type: "text", required: true, maxLength: 10 },
    { name: "count", type: "number", default: 3 },
    { name: "tone", type: "select", options: ["formal", "casual"] },
    { name: "strict", type: "boolean" },
    { name: "filters", type: "json" },
  ],
}).variables;

describe("start node inputs", () => {
  it("coerces text forms of numbers, booleans and JSON, and fills defaults", () => {
    expect(validateRunInputs(variables, { question: "why?", strict: "true", filters: '{"a":1}' })).toEqual({
      ok: true,
      values: { question: "why?", count: 3, tone: null, strict: true, filters: { a: 1 } },
    });
  });

  it("reports every problem at once", () => {
    const result = validateRunInputs(variables, { question: "far too long for ten", count: "many", tone: "angry", strict: "yes", filters: "{" });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((problem) => problem.name)).toEqual(["question", "count", "tone", "strict", "filters"]);
  });

  it("requires required inputs", () => {
    const result = validateRunInputs(variables, {});
    expect(!result.ok && result.problems).toEqual([{ name: "question", message: "question is required" }]);
  });

  it("outputs the validated inputs", async () => {
    const context = createNodeTestContext({ pool: { sys: { inputs: { question: "hi", count: "2" } } } });
    const result = await startNode.run(startSchema.config.parse({ variables }), context);
    expect(result.outputs).toMatchObject({ question: "hi", count: 2 });
  });

  it("fails the node on invalid inputs, saying which", async () => {
    const context = createNodeTestContext({ pool: { sys: { inputs: {} } } });
    await expect(Promise.resolve().then(() => startNode.run(startSchema.config.parse({ variables }), context))).rejects.toThrow(/question is required/);
  });

  it("declares typed outputs and checks select options", () => {
    const config = startSchema.config.parse({ variables: [...variables, { name: "pick", type: "select" }] });
    expect(startSchema.outputs(config).map((output) => `${output.name}:${output.type}`)).toEqual([
      "question:string",
      "count:number",
      "tone:string",
      "strict:boolean",
      "filters:object",
      "pick:string",
    ]);
    expect(startSchema.check?.(config)).toEqual([{ path: ["variables", 5, "options"], message: "a select input needs at least one option" }]);
  });
});
