import { describe, expect, it } from "vitest";
import { inferFamily, normalizeDate, normalizeNumber, normalizeValue } from "./normalize-value.ts";

describe("normalizeNumber", () => {
  it("returns numbers where that is exact and strings where it is not", () => {
    expect(normalizeNumber("195.10")).toBe(195.1);
    expect(normalizeNumber("-0.0001")).toBe(-0.0001);
    expect(normalizeNumber(42n)).toBe(42);
    expect(normalizeNumber("9007199254740993")).toBe("9007199254740993");
    expect(normalizeNumber(9007199254740993n)).toBe("9007199254740993");
    expect(normalizeNumber("123456789012345.6")).toBe("123456789012345.6");
    expect(normalizeNumber("12345678901234.5")).toBe(12345678901234.5);
    expect(normalizeNumber("NaN")).toBe("NaN");
  });
});

describe("normalizeDate", () => {
  it("gives ISO 8601 without inventing a zone", () => {
    expect(normalizeDate("2021-01-01")).toBe("2021-01-01");
    expect(normalizeDate("2021-01-01 00:00:00")).toBe("2021-01-01T00:00:00");
    expect(normalizeDate("2021-01-01 10:20:30.123456")).toBe("2021-01-01T10:20:30.123456");
    expect(normalizeDate("2021-01-01 10:20:30+02")).toBe("2021-01-01T08:20:30.000Z");
    expect(normalizeDate(new Date(Date.UTC(2021, 0, 1)))).toBe("2021-01-01T00:00:00.000Z");
    expect(normalizeDate("last tuesday")).toBe("last tuesday");
  });
});

describe("normalizeValue", () => {
  it("makes every value JSON-safe by its family", () => {
    expect(normalizeValue(null, "number")).toBeNull();
    expect(normalizeValue(Uint8Array.from([1, 2, 255]), "binary")).toBe("AQL/");
    expect(normalizeValue(1, "boolean")).toBe(true);
    expect(normalizeValue("f", "boolean")).toBe(false);
    expect(normalizeValue('{"a":[1]}', "json")).toEqual({ a: [1] });
    expect(normalizeValue("3.50", "number")).toBe(3.5);
  });

  it("infers a date column from text that is a timestamp in every row", () => {
    expect(inferFamily([["2021-01-01 00:00:00"], [null], ["2021-02-01"]], 0)).toBe("date");
    expect(inferFamily([["2021-01-01"], ["soon"]], 0)).toBe("string");
    expect(inferFamily([[null], [3n]], 0)).toBe("number");
    expect(inferFamily([[null]], 0)).toBe("null");
  });
});
