import { describe, expect, it } from "vitest";
import { createNodeTestContext } from "../../testing/node-test-context.ts";
import { variableAggregatorNode } from "./variable-aggregator.node.ts";
import { variableAggregatorConfigSchema, variableAggregatorSchema } from "./variable-aggregator.schema.ts";

type Pool = Record<string, Record<string, unknown>>;

async function runAggregator(config: unknown, pool: Pool) {
  return variableAggregatorNode.run(variableAggregatorConfigSchema.parse(config), createNodeTestContext({ pool }));
}

// Two alternative branches after an if-else: only one ran, so only its outputs are in the pool.
const branches = [
  ["llm_a", "text"],
  ["llm_b", "text"],
];

describe("variable-aggregator node", () => {
  it("outputs the value of the branch that ran", async () => {
    expect((await runAggregator({ variables: branches, outputType: "string" }, { llm_b: { text: "from b" } })).outputs).toEqual({ output: "from b" });
    expect((await runAggregator({ variables: branches, outputType: "string" }, { llm_a: { text: "from a" } })).outputs).toEqual({ output: "from a" });
  });

  it("prefers the earlier candidate when several have values", async () => {
    const result = await runAggregator({ variables: branches }, { llm_a: { text: "a" }, llm_b: { text: "b" } });
    expect(result.outputs).toEqual({ output: "a" });
  });

  it("skips null but keeps falsy values that are set", async () => {
    expect((await runAggregator({ variables: branches }, { llm_a: { text: null }, llm_b: { text: "b" } })).outputs).toEqual({ output: "b" });
    for (const value of [0, "", false, []]) {
      expect((await runAggregator({ variables: branches }, { llm_a: { text: value }, llm_b: { text: "b" } })).outputs).toEqual({ output: value });
    }
  });

  it("outputs null, not an error, when no candidate has a value", async () => {
    const result = await runAggregator({ variables: branches }, {});
    expect(result.outputs).toEqual({ output: null });
    expect(result.inputs).toEqual({ selected: { output: null } });
  });

  it("records which candidate it took", async () => {
    const result = await runAggregator({ variables: branches }, { llm_b: { text: "b" } });
    expect(result.inputs).toEqual({ selected: { output: "llm_b.text" } });
  });

  it("declares one output of the configured type", () => {
    const config = variableAggregatorConfigSchema.parse({ variables: branches, outputType: "array[string]" });
    expect(variableAggregatorSchema.outputs(config)).toEqual([{ name: "output", type: "array[string]" }]);
    expect(variableAggregatorSchema.outputs(variableAggregatorConfigSchema.parse({ variables: branches }))).toEqual([{ name: "output", type: "any" }]);
  });

  it("aggregates each group on its own, nested under output as in Dify", async () => {
    const config = {
      variables: [],
      groups: [
        { name: "answer", variables: branches, outputType: "string" },
        { name: "score", variables: [["code_a", "score"], ["code_b", "score"]], outputType: "number" },
        { name: "unused", variables: [["tool", "result"]] },
      ],
    };
    const result = await runAggregator(config, { llm_b: { text: "b" }, code_a: { score: 7 } });
    expect(result.outputs).toEqual({ answer: { output: "b" }, score: { output: 7 }, unused: { output: null } });
    expect(result.inputs).toEqual({ selected: { answer: "llm_b.text", score: "code_a.score", unused: null } });
    expect(variableAggregatorSchema.outputs(variableAggregatorConfigSchema.parse(config))).toEqual([
      { name: "answer", type: "object", description: "{ output: string }" },
      { name: "score", type: "object", description: "{ output: number }" },
      { name: "unused", type: "object", description: "{ output: any }" },
    ]);
  });

  it("treats an empty list of groups as the plain mode", async () => {
    const result = await runAggregator({ variables: branches, groups: [] }, { llm_a: { text: "a" } });
    expect(result.outputs).toEqual({ output: "a" });
  });

  it("checks that there is something to aggregate and that group names are unique", () => {
    const check = (config: unknown) => variableAggregatorSchema.check?.(variableAggregatorConfigSchema.parse(config)) ?? [];
    expect(check({ variables: [] })).toEqual([{ path: ["variables"], message: "add at least one variable to aggregate" }]);
    expect(check({ variables: branches })).toEqual([]);
    expect(check({ groups: [{ name: "a", variables: branches }] })).toEqual([]);
    expect(check({ groups: [{ name: "a", variables: branches }, { name: "a", variables: branches }] })).toEqual([
      { path: ["groups", 1, "name"], message: 'group "a" is defined twice' },
    ]);
  });

  it("rejects bad group names, empty groups, too many variables and unknown types", () => {
    const parses = (config: unknown) => variableAggregatorConfigSchema.safeParse(config).success;
    expect(parses({ groups: [{ name: "my group", variables: branches }] })).toBe(false);
    expect(parses({ groups: [{ name: "1st", variables: branches }] })).toBe(false);
    expect(parses({ groups: [{ name: "g", variables: [] }] })).toBe(false);
    expect(parses({ variables: Array.from({ length: 51 }, (_, index) => [`node${index}`, "text"]) })).toBe(false);
    expect(parses({ variables: branches, outputType: "text" })).toBe(false);
    expect(parses({ variables: [["llm_a"]] })).toBe(false);
  });
});
