import { z } from "zod";

/**
 * The comparison operators of the if-else and list-operator nodes, spelled exactly as Dify spells
 * them so imported DSL parses unchanged. Which ones the editor offers depends on the variable's type:
 * text (contains … not in), numbers (= … ≤), lists (contains, not contains), booleans (is, is not),
 * and any type (empty, not empty, null, not null, exists, not exists).
 */
export const comparisonOperatorSchema = z.enum([
  "contains",
  "not contains",
  "start with",
  "end with",
  "is",
  "is not",
  "empty",
  "not empty",
  "in",
  "not in",
  "=",
  "≠",
  ">",
  "<",
  "≥",
  "≤",
  "null",
  "not null",
  "exists",
  "not exists",
]);
export type ComparisonOperator = z.infer<typeof comparisonOperatorSchema>;

const VALUELESS_OPERATORS: ReadonlySet<ComparisonOperator> = new Set(["empty", "not empty", "null", "not null", "exists", "not exists"]);
const NUMERIC_OPERATORS: ReadonlySet<ComparisonOperator> = new Set(["=", "≠", ">", "<", "≥", "≤"]);

/** Whether the operator compares with a value (`contains x`) rather than testing the variable alone (`empty`). */
export function operatorNeedsValue(operator: ComparisonOperator): boolean {
  return !VALUELESS_OPERATORS.has(operator);
}

/** Whether the operator compares numbers, coercing numeric text on both sides. */
export function isNumericOperator(operator: ComparisonOperator): boolean {
  return NUMERIC_OPERATORS.has(operator);
}

/** Whether the operator's value is a list of candidates (`in`, `not in`). */
export function operatorTakesList(operator: ComparisonOperator): boolean {
  return operator === "in" || operator === "not in";
}
