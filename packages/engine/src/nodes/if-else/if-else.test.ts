import { describe, expect, it } from "vitest";
import { collectReferences } from "../../schema/value-reference.ts";
import { createNodeTestContext } from "../../testing/node-test-context.ts";
import { ifElseNode } from "./if-else.node.ts";
import { ifElseConfigSchema, ifElseSchema } from "./if-else.schema.ts";

type Pool = Record<string, Record<string, unknown>>;

async function runIfElse(config: unknown, pool: Pool) {
  return ifElseNode.run(ifElseConfigSchema.parse(config), createNodeTestContext({ pool }));
}

function oneCase(conditions: unknown[], logicalOperator: "and" | "or" = "and") {
  return { cases: [{ id: "true", logicalOperator, conditions }] };
}

const pool: Pool = {
  start: { query: "How do I reset my password?", count: "42", flag: true, tags: ["billing", "urgent"], min: 40, expected: "urgent", empty: "" },
};

describe("if-else node", () => {
  it("declares one handle per case, IF then ELIF, and ELSE last", () => {
    const config = ifElseConfigSchema.parse({
      cases: [
        { id: "a", conditions: [{ variable: ["start", "flag"], operator: "is", value: true }] },
        { id: "b", conditions: [{ variable: ["start", "flag"], operator: "is", value: false }] },
      ],
    });
    expect(ifElseSchema.handles?.(config)).toEqual([
      { id: "a", label: "IF" },
      { id: "b", label: "ELIF" },
      { id: "false", label: "ELSE" },
    ]);
    expect(ifElseSchema.outputs(config).map((output) => [output.name, output.type])).toEqual([
      ["result", "boolean"],
      ["selected_case", "string"],
    ]);
  });

  it("takes the first case that holds, even when a later one holds too", async () => {
    const result = await runIfElse(
      {
        cases: [
          { id: "first", conditions: [{ variable: ["start", "query"], operator: "contains", value: "invoice" }] },
          { id: "second", conditions: [{ variable: ["start", "query"], operator: "contains", value: "password" }] },
          { id: "third", conditions: [{ variable: ["start", "query"], operator: "not empty" }] },
        ],
      },
      pool,
    );
    expect(result.branch).toBe("second");
    expect(result.outputs).toEqual({ result: true, selected_case: "second" });
  });

  it("takes ELSE when no case holds", async () => {
    const result = await runIfElse(oneCase([{ variable: ["start", "query"], operator: "start with", value: "Why" }]), pool);
    expect(result.branch).toBe("false");
    expect(result.outputs).toEqual({ result: false, selected_case: "false" });
  });

  it("needs every condition under AND and one under OR", async () => {
    const conditions = [
      { variable: ["start", "query"], operator: "end with", value: "?" },
      { variable: ["start", "tags"], operator: "contains", value: "sales" },
    ];
    expect((await runIfElse(oneCase(conditions, "and"), pool)).branch).toBe("false");
    expect((await runIfElse(oneCase(conditions, "or"), pool)).branch).toBe("true");
  });

  it("compares numeric text as numbers, with the value read from a reference", async () => {
    const result = await runIfElse(oneCase([{ variable: ["start", "count"], operator: ">", value: "{{#start.min#}}" }]), pool);
    expect(result.branch).toBe("true");
  });

  it("makes a condition with a non-numeric operand false rather than failing", async () => {
    const result = await runIfElse(oneCase([{ variable: ["start", "query"], operator: "≥", value: 1 }]), pool);
    expect(result.branch).toBe("false");
  });

  it("renders references in text values and in each item of a list", async () => {
    expect((await runIfElse(oneCase([{ variable: ["start", "tags"], operator: "contains", value: "{{#start.expected#}}" }]), pool)).branch).toBe("true");
    expect((await runIfElse(oneCase([{ variable: ["start", "expected"], operator: "in", value: ["low", "{{#start.expected#}}"] }]), pool)).branch).toBe(
      "true",
    );
    expect((await runIfElse(oneCase([{ variable: ["start", "expected"], operator: "not in", value: ["low", "high"] }]), pool)).branch).toBe("true");
  });

  it("tests emptiness and existence, including of variables that are not set", async () => {
    const holds = async (variable: string[], operator: string) => (await runIfElse(oneCase([{ variable, operator }]), pool)).branch === "true";
    expect(await holds(["start", "empty"], "empty")).toBe(true);
    expect(await holds(["start", "missing"], "empty")).toBe(true);
    expect(await holds(["start", "tags"], "not empty")).toBe(true);
    expect(await holds(["start", "missing"], "not exists")).toBe(true);
    expect(await holds(["start", "empty"], "exists")).toBe(true);
    expect(await holds(["start", "missing"], "not null")).toBe(false);
  });

  it("compares booleans with true/false or their text", async () => {
    expect((await runIfElse(oneCase([{ variable: ["start", "flag"], operator: "is", value: true }]), pool)).branch).toBe("true");
    expect((await runIfElse(oneCase([{ variable: ["start", "flag"], operator: "is not", value: "true" }]), pool)).branch).toBe("false");
  });

  it("records each evaluated condition with both sides and its outcome", async () => {
    const result = await runIfElse(
      {
        cases: [
          { id: "a", conditions: [{ variable: ["start", "count"], operator: "<", value: "{{#start.min#}}" }] },
          { id: "b", conditions: [{ variable: ["start", "flag"], operator: "exists" }] },
          { id: "c", conditions: [{ variable: ["start", "flag"], operator: "exists" }] },
        ],
      },
      pool,
    );
    expect(result.inputs).toEqual({
      cases: [
        { id: "a", logicalOperator: "and", matched: false, conditions: [{ variable: "start.count", left: "42", operator: "<", right: "40", outcome: false }] },
        { id: "b", logicalOperator: "and", matched: true, conditions: [{ variable: "start.flag", left: true, operator: "exists", outcome: true }] },
      ],
    });
  });

  it("rejects configs without cases or conditions, and unknown operators", () => {
    expect(ifElseConfigSchema.safeParse({ cases: [] }).success).toBe(false);
    expect(ifElseConfigSchema.safeParse(oneCase([])).success).toBe(false);
    expect(ifElseConfigSchema.safeParse(oneCase([{ variable: ["start", "query"], operator: "matches", value: "x" }])).success).toBe(false);
    expect(ifElseConfigSchema.safeParse(oneCase([{ variable: ["start"], operator: "empty" }])).success).toBe(false);
    const cases = Array.from({ length: 21 }, (_, index) => ({ id: `c${index}`, conditions: [{ variable: ["start", "query"], operator: "empty" }] }));
    expect(ifElseConfigSchema.safeParse({ cases }).success).toBe(false);
  });

  it("checks case ids and values the operator needs", () => {
    const config = ifElseConfigSchema.parse({
      cases: [
        {
          id: "a",
          conditions: [
            { variable: ["start", "query"], operator: "contains" },
            { variable: ["start", "query"], operator: "is", value: "" },
            { variable: ["start", "query"], operator: "in", value: "x" },
            { variable: ["start", "count"], operator: ">", value: "many" },
            { variable: ["start", "count"], operator: ">", value: "{{#start.min#}}" },
            { variable: ["start", "query"], operator: "empty" },
          ],
        },
        { id: "a", conditions: [{ variable: ["start", "query"], operator: "empty" }] },
        { id: "false", conditions: [{ variable: ["start", "query"], operator: "empty" }] },
        { id: "fail", conditions: [{ variable: ["start", "query"], operator: "empty" }] },
      ],
    });
    const problems = ifElseSchema.check?.(config) ?? [];
    expect(problems.map((problem) => problem.path.join("."))).toEqual([
      "cases.0.conditions.0.value",
      "cases.0.conditions.1.value",
      "cases.0.conditions.2.value",
      "cases.0.conditions.3.value",
      "cases.1.id",
      "cases.2.id",
      "cases.3.id",
    ]);
    expect(problems[0]?.message).toContain("needs a value");
    expect(problems[2]?.message).toContain("list");
    expect(problems[4]?.message).toContain("used twice");
    expect(problems[5]?.message).toContain("reserved");
  });

  it("exposes the selectors and the references in values to the graph checks", () => {
    const config = oneCase([{ variable: ["start", "count"], operator: ">", value: "{{#llm.score#}}" }, { variable: ["start", "expected"], operator: "in", value: ["a", "{{#start.min#}}"] }]);
    const references = collectReferences(ifElseConfigSchema, config).map((reference) => [reference.selector.join("."), reference.path.join("."), reference.kind]);
    expect(references).toEqual([
      ["start.count", "cases.0.conditions.0.variable", "selector"],
      ["llm.score", "cases.0.conditions.0.value", "template"],
      ["start.expected", "cases.0.conditions.1.variable", "selector"],
      ["start.min", "cases.0.conditions.1.value.1", "template"],
    ]);
  });
});
