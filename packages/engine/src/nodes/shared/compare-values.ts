import { valueToText } from "../../schema/value-reference.ts";
import type { ComparisonOperator } from "./comparison-operator.ts";

/**
 * Evaluates `actual <operator> expected` the way Dify's condition processor does, shared by the
 * if-else and list-operator nodes so a condition means the same in both.
 *
 * It never throws: a comparison that makes no sense for the values at hand (a word with ">", a number
 * with "start with") is false, so an if-else falls through to ELSE and a filter drops the item rather
 * than failing the run. As in Dify, a missing variable satisfies only the negative membership
 * operators ("not contains", "not in") and the emptiness and existence tests.
 *
 * One deliberate difference: Dify tests emptiness with Python truthiness, so `0` and `false` count as
 * empty there. Here only null, undefined, "", [] and {} are empty: a zero is a value.
 */
export function compareValues(actual: unknown, operator: ComparisonOperator, expected: unknown): boolean {
  switch (operator) {
    case "contains":
      return !isMissing(actual) && contains(actual, expected) === true;
    case "not contains":
      return isMissing(actual) || contains(actual, expected) === false;
    case "start with":
      return typeof actual === "string" && actual.startsWith(valueToText(expected));
    case "end with":
      return typeof actual === "string" && actual.endsWith(valueToText(expected));
    case "is":
      return equals(actual, expected) === true;
    case "is not":
      return equals(actual, expected) === false;
    case "empty":
      return isEmpty(actual);
    case "not empty":
      return !isEmpty(actual);
    case "in":
      return !isMissing(actual) && candidates(expected).some((candidate) => looseEquals(actual, candidate));
    case "not in":
      return isMissing(actual) || !candidates(expected).some((candidate) => looseEquals(actual, candidate));
    case "=":
      return compareNumbers(actual, expected, (left, right) => left === right);
    case "≠":
      return compareNumbers(actual, expected, (left, right) => left !== right);
    case ">":
      return compareNumbers(actual, expected, (left, right) => left > right);
    case "<":
      return compareNumbers(actual, expected, (left, right) => left < right);
    case "≥":
      return compareNumbers(actual, expected, (left, right) => left >= right);
    case "≤":
      return compareNumbers(actual, expected, (left, right) => left <= right);
    case "null":
    case "not exists":
      return isMissing(actual);
    case "not null":
    case "exists":
      return !isMissing(actual);
  }
}

/**
 * A number from a number or numeric text ("42", " 3.5 "); undefined for anything else, so a
 * non-numeric operand makes a numeric condition false instead of comparing NaN.
 */
export function toComparableNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const parsed = Number(value.trim());
  return Number.isFinite(parsed) ? parsed : undefined;
}

function toComparableBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value !== "string") return undefined;
  const text = value.trim().toLowerCase();
  return text === "true" ? true : text === "false" ? false : undefined;
}

function isMissing(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

function isEmpty(value: unknown): boolean {
  if (isMissing(value) || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

function compareNumbers(actual: unknown, expected: unknown, compare: (left: number, right: number) => boolean): boolean {
  const left = toComparableNumber(actual);
  const right = toComparableNumber(expected);
  return left !== undefined && right !== undefined && compare(left, right);
}

/** Undefined when the question does not apply (the variable is neither text nor a list). */
function contains(actual: unknown, expected: unknown): boolean | undefined {
  if (typeof actual === "string") return actual.includes(valueToText(expected));
  if (Array.isArray(actual)) return actual.some((item) => looseEquals(item, expected));
  return undefined;
}

/** Undefined when the two cannot be compared, so that neither "is" nor "is not" holds. */
function equals(actual: unknown, expected: unknown): boolean | undefined {
  if (typeof actual === "string") return actual === valueToText(expected);
  if (typeof actual === "number") {
    const right = toComparableNumber(expected);
    return right === undefined ? undefined : actual === right;
  }
  if (typeof actual === "boolean") {
    const right = toComparableBoolean(expected);
    return right === undefined ? undefined : actual === right;
  }
  return undefined;
}

/**
 * Equality across the types a condition's value is typed in: the editor stores `"3"` for a number and
 * `"true"` for a boolean, so text matches numbers and booleans by meaning.
 */
function looseEquals(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left === "number" || typeof right === "number") {
    const leftNumber = toComparableNumber(left);
    return leftNumber !== undefined && leftNumber === toComparableNumber(right);
  }
  if (typeof left === "boolean" || typeof right === "boolean") {
    const leftBoolean = toComparableBoolean(left);
    return leftBoolean !== undefined && leftBoolean === toComparableBoolean(right);
  }
  return false;
}

/** The value of `in`: a list, or a single value read as a list of one. */
function candidates(expected: unknown): unknown[] {
  if (Array.isArray(expected)) return expected;
  return isMissing(expected) ? [] : [expected];
}
