import { describe, expect, it } from "vitest";
import { compareValues, toComparableNumber } from "./compare-values.ts";
import type { ComparisonOperator } from "./comparison-operator.ts";

type Row = [actual: unknown, operator: ComparisonOperator, expected: unknown, outcome: boolean];

function expectRows(rows: Row[]): void {
  for (const [actual, operator, expected, outcome] of rows) {
    expect({ actual, operator, expected, outcome: compareValues(actual, operator, expected) }).toEqual({ actual, operator, expected, outcome });
  }
}

describe("compareValues", () => {
  it("compares text", () => {
    expectRows([
      ["hello world", "contains", "lo w", true],
      ["hello world", "contains", "bye", false],
      ["hello world", "not contains", "bye", true],
      ["hello world", "not contains", "hello", false],
      ["hello", "start with", "he", true],
      ["hello", "start with", "lo", false],
      ["hello", "end with", "lo", true],
      ["hello", "end with", "he", false],
      ["hello", "is", "hello", true],
      ["hello", "is", "Hello", false],
      ["hello", "is not", "Hello", true],
      ["hello", "is not", "hello", false],
      ["42", "is", 42, true],
    ]);
  });

  it("tests membership in a list of candidates", () => {
    expectRows([
      ["b", "in", ["a", "b"], true],
      ["c", "in", ["a", "b"], false],
      ["c", "not in", ["a", "b"], true],
      ["a", "not in", ["a", "b"], false],
      [3, "in", ["1", "3"], true],
      [true, "in", ["true"], true],
      ["a", "in", "a", true],
    ]);
  });

  it("compares numbers numerically, coercing numeric text on both sides", () => {
    expectRows([
      [5, "=", "5", true],
      ["5.0", "=", 5, true],
      [5, "≠", "6", true],
      [5, "≠", 5, false],
      ["10", ">", "9", true],
      [10, "<", 9, false],
      [" 3 ", "≥", "3", true],
      [-1, "≤", "-1.5", false],
      [0, "=", "0", true],
    ]);
  });

  it("makes a numeric condition false when either side is not a number", () => {
    expectRows([
      ["abc", "=", 1, false],
      ["abc", "≠", 1, false],
      [5, ">", "five", false],
      [5, "<", "", false],
      [undefined, "≤", 3, false],
      [true, "=", 1, false],
      [Number.NaN, "≠", 1, false],
    ]);
  });

  it("looks for an element in a list", () => {
    expectRows([
      [["a", "b"], "contains", "a", true],
      [["a", "b"], "contains", "c", false],
      [["a", "b"], "not contains", "c", true],
      [[1, 2, 3], "contains", "2", true],
      [[true], "contains", "true", true],
      [[{ id: 1 }], "contains", "1", false],
    ]);
  });

  it("compares booleans with booleans or their text", () => {
    expectRows([
      [true, "is", true, true],
      [true, "is", "true", true],
      [false, "is", " FALSE ", true],
      [false, "is not", "true", true],
      [true, "is not", true, false],
      [true, "is", "yes", false],
      [true, "is not", "yes", false],
    ]);
  });

  it("treats only null, undefined, empty text, empty lists and empty objects as empty", () => {
    expectRows([
      [undefined, "empty", undefined, true],
      [null, "empty", undefined, true],
      ["", "empty", undefined, true],
      [[], "empty", undefined, true],
      [{}, "empty", undefined, true],
      [0, "empty", undefined, false],
      [false, "empty", undefined, false],
      [" ", "not empty", undefined, true],
      [[0], "not empty", undefined, true],
      [{ a: 1 }, "not empty", undefined, true],
      [null, "not empty", undefined, false],
    ]);
  });

  it("tests existence", () => {
    expectRows([
      [undefined, "null", undefined, true],
      [null, "not exists", undefined, true],
      [0, "exists", undefined, true],
      ["", "not null", undefined, true],
      [undefined, "exists", undefined, false],
    ]);
  });

  it("lets a missing variable satisfy only the negative membership operators, as Dify does", () => {
    expectRows([
      [undefined, "contains", "a", false],
      [undefined, "not contains", "a", true],
      [null, "in", ["a"], false],
      [null, "not in", ["a"], true],
      [undefined, "is", "a", false],
      [undefined, "is not", "a", false],
      [undefined, "start with", "a", false],
    ]);
  });

  it("is false both ways for operators that do not apply to the variable's type", () => {
    expectRows([
      [42, "start with", "4", false],
      [42, "contains", "4", false],
      [42, "not contains", "4", false],
      [{ a: 1 }, "is", "x", false],
      [{ a: 1 }, "is not", "x", false],
      [["a"], "is", "a", false],
    ]);
  });
});

describe("toComparableNumber", () => {
  it("reads numbers and numeric text only", () => {
    expect([42, "3.5", " -2 ", "1e3", "", "  ", "abc", "12px", true, null, Number.POSITIVE_INFINITY].map(toComparableNumber)).toEqual([
      42,
      3.5,
      -2,
      1000,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
