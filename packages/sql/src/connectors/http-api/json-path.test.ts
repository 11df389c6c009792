import { describe, expect, it } from "vitest";
import { parseJsonPath, readJsonPath } from "./json-path.ts";

describe("response paths", () => {
  it("parses dots, indexes and quoted keys", () => {
    expect(parseJsonPath("$")).toEqual([]);
    expect(parseJsonPath('$.data.result[0]["odd key"]')).toEqual(["data", "result", 0, "odd key"]);
    expect(() => parseJsonPath("data.rows")).toThrow(/starts with/);
    expect(() => parseJsonPath("$.data..rows")).toThrow(/at character 7/);
  });

  it("tells a missing step from a JSON null", () => {
    const document = { data: { rows: [[1]], error: null }, list: [{ a: 1 }] };
    expect(readJsonPath(document, "$.data.rows")).toEqual({ found: true, value: [[1]] });
    expect(readJsonPath(document, "$.data.error")).toEqual({ found: true, value: null });
    expect(readJsonPath(document, "$.list[0].a")).toEqual({ found: true, value: 1 });
    expect(readJsonPath(document, "$.data.columns")).toEqual({ found: false, missing: "$.data.columns" });
    expect(readJsonPath(document, "$.list[3]")).toEqual({ found: false, missing: "$.list[3]" });
    expect(readJsonPath("text", "$.a")).toEqual({ found: false, missing: "$.a" });
  });
});
