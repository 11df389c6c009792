import { describe, expect, it } from "vitest";
import { queryJsonPath } from "./query-json-path.ts";

const store = { book: [{ title: "A", price: 8, tags: ["x"] }, { title: "B", price: 12 }], bicycle: { price: 20 }, "odd key": 1 };

describe("queryJsonPath", () => {
  it("selects by keys, indexes, wildcards and descent", () => {
    expect(queryJsonPath(store, "$")).toEqual([store]);
    expect(queryJsonPath(store, "$.book[0].title")).toEqual(["A"]);
    expect(queryJsonPath(store, "$.book[-1].title")).toEqual(["B"]);
    expect(queryJsonPath(store, "$.book[*].title")).toEqual(["A", "B"]);
    expect(queryJsonPath(store, "$..price")).toEqual([8, 12, 20]);
    expect(queryJsonPath(store, "$['odd key']")).toEqual([1]);
    expect(queryJsonPath(store, "$.missing.deeper")).toEqual([]);
  });

  it("refuses what it does not support, saying where", () => {
    expect(() => queryJsonPath(store, "book")).toThrow(/starts with "\$"/);
    expect(() => queryJsonPath(store, "$.book[?(@.price > 10)]")).toThrow(/filters are not supported/);
  });
});
