import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createModelGateway } from "../../models/create-model-gateway.ts";
import { createNodeTestContext } from "../../testing/node-test-context.ts";
import { coerceParameters } from "./coerce-parameters.ts";
import { parameterExtractorNode } from "./parameter-extractor.node.ts";
import { parameterExtractorConfigSchema, parameterExtractorSchema } from "./parameter-extractor.schema.ts";

let server: ScriptedModelServer;
beforeAll(async () => {
  server = await startScriptedModelServer({ models: ["scripted-small", "scripted-large"] });
});
afterAll(() => server.close());
beforeEach(() => {
  server.clearRules();
  server.resetCalls();
});

const parameters = [
  { name: "city", type: "string", description: "Where to stay", required: true },
  { name: "nights", type: "number", description: "How many nights", required: true },
  { name: "breakfast", type: "boolean", description: "Breakfast wanted" },
  { name: "guests", type: "array[string]", description: "Names of the guests" },
  { name: "room", type: "string", description: "Room type", options: ["single", "double", "suite"] },
];

function run(config: Record<string, unknown> = {}, baseUrl = server.openaiBaseUrl) {
  const models = createModelGateway({ providers: [{ name: "local", kind: "openai_compatible", baseUrl, isLocal: true }] });
  const context = createNodeTestContext({ pool: { start: { query: "Book a suite in Paris for 3 nights for Ada and Grace, with breakfast." } }, services: { models } });
  const parsed = parameterExtractorConfigSchema.parse({ model: { model: "local:scripted-small" }, query: ["start", "query"], parameters, ...config });
  return parameterExtractorNode.run(parsed, context);
}

describe("parameter extractor node", () => {
  it("types the values of a JSON answer, forgiving numbers and booleans as text", async () => {
    server.addRule({ reply: { type: "json", value: { city: "Paris", nights: "3", breakfast: "yes", guests: ["Ada", "Grace"], room: "Suite" } } });
    const result = await run({ instruction: "Dates are in {{#start.query#}}" });
    expect(result.outputs).toEqual({ city: "Paris", nights: 3, breakfast: true, guests: ["Ada", "Grace"], room: "suite", __is_success: 1, __reason: "" });
    expect(server.calls[0]?.json).toBe(true);
    expect(server.calls[0]?.system).toContain("- nights (number, required): How many nights");
    expect(server.calls[0]?.system).toContain("- room (string; one of: single, double, suite): Room type");
    expect(result.usage?.model).toMatchObject({ provider: "local", model: "scripted-small" });
  });

  it("reads one native tool call in tools mode", async () => {
    server.addRule({ reply: { type: "tool-call", calls: [{ name: "extract_parameters", arguments: { city: "Paris", nights: 3, guests: "Ada" } }] } });
    const result = await run({ mode: "tools" });
    expect(result.outputs).toMatchObject({ city: "Paris", nights: 3, breakfast: false, guests: ["Ada"], room: "", __is_success: 1 });
    const tool = server.calls[0]?.tools?.[0];
    expect(tool?.name).toBe("extract_parameters");
    expect(JSON.stringify(tool)).toContain('"required":["city","nights"]');
  });

  it("falls back to the next model when values are missing or of the wrong type", async () => {
    server.addRule({ match: { model: "scripted-small" }, reply: { type: "json", value: { city: "Paris", nights: "three" } } });
    server.addRule({ match: { model: "scripted-large" }, reply: { type: "json", value: { city: "Paris", nights: 3 } } });
    const result = await run({ model: { model: "local:scripted-small", fallbacks: ["local:scripted-large"] } });
    expect(result.outputs).toMatchObject({ nights: 3, __is_success: 1 });
    expect(result.usage?.model?.fallbacks?.[0]?.reason).toContain('"nights" should be a number');
  });

  it("succeeds with __is_success 0 and the reason when no model gives valid values", async () => {
    server.addRule({ reply: { type: "json", value: { city: "Paris", room: "penthouse" } } });
    const result = await run({ model: { model: "local:scripted-small", fallbacks: ["local:scripted-large"] } });
    expect(server.calls).toHaveLength(2);
    expect(result.outputs.__is_success).toBe(0);
    expect(result.outputs.__reason).toContain('"nights" is required but was not found');
    expect(result.outputs.__reason).toContain('"room" must be one of single, double, suite');
    expect(result.outputs).toMatchObject({ city: "Paris", nights: 0, guests: [] });
  });

  it("fails when no model answers at all", async () => {
    await expect(run({}, "http://127.0.0.1:9/v1")).rejects.toThrow(/No model could answer/);
  });

  it("coerces what small models get slightly wrong, and rejects what cannot be typed", () => {
    const declared = [
      { name: "amount", type: "number" as const, description: "", required: false },
      { name: "tags", type: "array[string]" as const, description: "", required: false },
      { name: "items", type: "array[object]" as const, description: "", required: false },
      { name: "meta", type: "object" as const, description: "", required: false },
    ];
    expect(coerceParameters({ amount: "1,200.5", tags: '["a","b"]', items: { sku: 1 }, meta: '{"k":1}' }, declared)).toEqual({
      values: { amount: 1200.5, tags: ["a", "b"], items: [{ sku: 1 }], meta: { k: 1 } },
      problems: [],
    });
    expect(coerceParameters({ amount: "lots", items: ["x"] }, declared).problems).toEqual(['"amount" should be a number, not "lots"', '"items" item 0 should be an object, not "x"']);
  });

  it("declares typed outputs and checks parameter names", () => {
    const config = parameterExtractorConfigSchema.parse({ model: { model: "a:b" }, query: ["start", "query"], parameters });
    expect(parameterExtractorSchema.outputs(config).map((output) => `${output.name}:${output.type}`)).toEqual([
      "city:string",
      "nights:number",
      "breakfast:boolean",
      "guests:array[string]",
      "room:string",
      "__is_success:number",
      "__reason:string",
    ]);
    const bad = parameterExtractorConfigSchema.parse({
      model: { model: "a:b" },
      query: ["start", "query"],
      parameters: [{ name: "a", type: "string" }, { name: "a", type: "number" }, { name: "__x", type: "string" }],
    });
    expect(parameterExtractorSchema.check?.(bad).map((problem) => problem.message)).toEqual(['"a" is defined twice', '"__x": names starting with "__" are reserved for the node\'s own outputs']);
  });
});
