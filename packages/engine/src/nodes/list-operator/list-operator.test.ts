import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createNodeTestContext } from "../../testing/node-test-context.ts";
import { listOperatorNode } from "./list-operator.node.ts";
import { listOperatorConfigSchema, listOperatorSchema } from "./list-operator.schema.ts";

type Pool = Record<string, Record<string, unknown>>;

const people = [
  { name: "Ada", age: 36, team: { name: "core" } },
  { name: "Brian", age: "29", team: { name: "web" } },
  { name: "Cleo", age: 36, team: null },
  { name: "Dan", team: { name: "core" } },
];

const basePool: Pool = {
  start: { words: ["apple", "banana", "avocado", "cherry"], numbers: [5, "12", 3, 8, "x"], people, minimum: "30", n: "2", text: "not a list" },
};

async function runList(config: Record<string, unknown>, pool: Pool = basePool) {
  const parsed = listOperatorConfigSchema.parse({ variable: ["start", "words"], ...config });
  return listOperatorNode.run(parsed, createNodeTestContext({ pool }));
}

async function resultOf(config: Record<string, unknown>, pool?: Pool): Promise<unknown> {
  return (await runList(config, pool)).outputs.result;
}

const names = (items: unknown) => z.array(z.object({ name: z.string() })).parse(items).map((item) => item.name);

describe("list-operator node", () => {
  it("passes the list through when no step is enabled, with its first and last items", async () => {
    const result = await runList({ filter: { enabled: false, conditions: [{ operator: "contains", value: "zzz" }] } });
    expect(result.outputs).toEqual({ result: ["apple", "banana", "avocado", "cherry"], first_record: "apple", last_record: "cherry" });
    expect(result.inputs).toEqual({ variable: ["apple", "banana", "avocado", "cherry"] });
  });

  it("filters a list of text", async () => {
    expect(await resultOf({ filter: { enabled: true, conditions: [{ operator: "start with", value: "a" }] } })).toEqual(["apple", "avocado"]);
    expect(await resultOf({ filter: { enabled: true, conditions: [{ operator: "not in", value: ["apple", "cherry"] }] } })).toEqual(["banana", "avocado"]);
  });

  it("filters numbers numerically, dropping items that are not numbers", async () => {
    const result = await resultOf({ variable: ["start", "numbers"], filter: { enabled: true, conditions: [{ operator: "≥", value: "5" }] } });
    expect(result).toEqual([5, "12", 8]);
  });

  it("filters objects by a key, under AND and OR, with references in values", async () => {
    const and = await resultOf({
      variable: ["start", "people"],
      filter: {
        enabled: true,
        logicalOperator: "and",
        conditions: [
          { key: "age", operator: ">", value: "{{#start.minimum#}}" },
          { key: "team.name", operator: "is", value: "core" },
        ],
      },
    });
    expect(names(and)).toEqual(["Ada"]);
    const or = await resultOf({
      variable: ["start", "people"],
      filter: {
        enabled: true,
        logicalOperator: "or",
        conditions: [
          { key: "age", operator: "<", value: 30 },
          { key: "team", operator: "empty" },
        ],
      },
    });
    expect(names(or)).toEqual(["Brian", "Cleo"]);
  });

  it("tests keys that are missing with empty and exists", async () => {
    const missingAge = await resultOf({ variable: ["start", "people"], filter: { enabled: true, conditions: [{ key: "age", operator: "not exists" }] } });
    expect(names(missingAge)).toEqual(["Dan"]);
  });

  it("reads only own properties of items", async () => {
    const result = await resultOf({ variable: ["start", "people"], filter: { enabled: true, conditions: [{ key: "constructor", operator: "exists" }] } });
    expect(result).toEqual([]);
  });

  it("sorts text and numbers both ways", async () => {
    expect(await resultOf({ sort: { enabled: true, order: "asc" } })).toEqual(["apple", "avocado", "banana", "cherry"]);
    expect(await resultOf({ sort: { enabled: true, order: "desc" } })).toEqual(["cherry", "banana", "avocado", "apple"]);
    expect(await resultOf({ variable: ["start", "numbers"], sort: { enabled: true, order: "desc" } })).toEqual(["x", "12", 8, 5, 3]);
  });

  it("sorts objects by a key stably, with missing keys last in both directions", async () => {
    const ascending = await resultOf({ variable: ["start", "people"], sort: { enabled: true, key: "age", order: "asc" } });
    expect(names(ascending)).toEqual(["Ada", "Cleo", "Brian", "Dan"]);
    const descending = await resultOf({ variable: ["start", "people"], sort: { enabled: true, key: "age", order: "desc" } });
    expect(names(descending)).toEqual(["Brian", "Ada", "Cleo", "Dan"]);
  });

  it("sorts mixed types by type, then by value", async () => {
    const pool: Pool = { start: { mixed: [true, "b", null, 2, { a: 1 }, ["z"], "a", 1, false] } };
    expect(await resultOf({ variable: ["start", "mixed"], sort: { enabled: true, order: "asc" } }, pool)).toEqual([1, 2, "a", "b", false, true, ["z"], { a: 1 }, null]);
  });

  it("slices from an offset", async () => {
    expect(await resultOf({ slice: { enabled: true, offset: 1, limit: 2 } })).toEqual(["banana", "avocado"]);
    expect(await resultOf({ slice: { enabled: true, limit: 3 } })).toEqual(["apple", "banana", "avocado"]);
    expect(await resultOf({ slice: { enabled: true, offset: 10, limit: 3 } })).toEqual([]);
  });

  it("extracts one item by its 1-based index, or nothing when out of range", async () => {
    const second = await runList({ extract: { enabled: true, index: 2 } });
    expect(second.outputs).toEqual({ result: ["banana"], first_record: "banana", last_record: "banana" });
    expect(await resultOf({ extract: { enabled: true, index: "{{#start.n#}}" } })).toEqual(["banana"]);
    const outOfRange = await runList({ extract: { enabled: true, index: 9 } });
    expect(outOfRange.outputs).toEqual({ result: [], first_record: null, last_record: null });
  });

  it("runs filter, then sort, then slice, then extract", async () => {
    const config = {
      variable: ["start", "people"],
      filter: { enabled: true, conditions: [{ key: "age", operator: "exists" }] },
      sort: { enabled: true, key: "name", order: "desc" },
      slice: { enabled: true, offset: 1, limit: 2 },
      extract: { enabled: true, index: 2 },
    };
    expect(names(await resultOf(config))).toEqual(["Ada"]);
  });

  it("gives empty results for an empty list", async () => {
    const result = await runList({ sort: { enabled: true, order: "asc" } }, { start: { words: [] } });
    expect(result.outputs).toEqual({ result: [], first_record: null, last_record: null });
  });

  it("fails clearly when the input is not a list or the extract index is not a number", async () => {
    await expect(runList({ variable: ["start", "text"] })).rejects.toThrow("List operator expects a list at start.text but got string.");
    await expect(runList({ variable: ["start", "missing"] })).rejects.toThrow("but got nothing");
    await expect(runList({ variable: ["start", "people", "0"] })).rejects.toThrow("but got object");
    await expect(runList({ extract: { enabled: true, index: "{{#start.text#}}" } })).rejects.toThrow("the extract index must be a whole number from 1");
  });

  it("checks filter values and the extract index, and declares its outputs", () => {
    const check = (config: Record<string, unknown>) =>
      (listOperatorSchema.check?.(listOperatorConfigSchema.parse({ variable: ["start", "words"], ...config })) ?? []).map((problem) => problem.path.join("."));
    const filter = { enabled: true, conditions: [{ operator: "contains" }, { operator: "in", value: "a" }, { key: "age", operator: ">", value: "old" }, { operator: "empty" }] };
    expect(check({ filter })).toEqual(["filter.conditions.0.value", "filter.conditions.1.value", "filter.conditions.2.value"]);
    expect(check({ filter: { ...filter, enabled: false } })).toEqual([]);
    expect(check({ extract: { enabled: true, index: "first" } })).toEqual(["extract.index"]);
    expect(check({ extract: { enabled: true, index: "{{#start.n#}}" } })).toEqual([]);
    expect(listOperatorConfigSchema.safeParse({ variable: ["start", "words"], slice: { enabled: true, offset: -1, limit: 0 } }).success).toBe(false);
    expect(listOperatorConfigSchema.safeParse({ variable: ["start", "words"], extract: { enabled: true, index: 0 } }).success).toBe(false);
    expect(listOperatorSchema.outputs(listOperatorConfigSchema.parse({ variable: ["start", "words"] })).map((output) => [output.name, output.type])).toEqual([
      ["result", "array[any]"],
      ["first_record", "any"],
      ["last_record", "any"],
    ]);
  });
});
