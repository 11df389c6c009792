import { comparisonOperatorSchema, operatorNeedsValue, type ComparisonOperator } from "../../nodes/shared/comparison-operator.ts";

/** ASCII spellings seen in hand-written Dify files, for the operators Dify writes as symbols. */
const OPERATOR_ALIASES: Record<string, ComparisonOperator> = { "==": "=", "!=": "≠", ">=": "≥", "<=": "≤" };

export type ConvertedOperator = { operator: ComparisonOperator } | { unsupported: string };

/** A Dify comparison operator as Tandem's; Dify-only ones ("all of", file sub-conditions…) are unsupported. */
export function convertOperator(value: unknown): ConvertedOperator {
  const text = typeof value === "string" ? value.trim() : "";
  const operator = OPERATOR_ALIASES[text] ?? text;
  const parsed = comparisonOperatorSchema.safeParse(operator);
  return parsed.success ? { operator: parsed.data } : { unsupported: text === "" ? "(none)" : text };
}

/**
 * A condition's right-hand side. Dify writes "" for operators that take no value, and numbers as
 * text; both carry over (Tandem compares numeric text as numbers). Lists stay lists (`in`).
 */
export function convertConditionValue(operator: ComparisonOperator, value: unknown): { value?: unknown } {
  if (!operatorNeedsValue(operator)) return {};
  if (value === undefined || value === null) return {};
  if (Array.isArray(value)) return { value: value.map((item) => (typeof item === "string" ? item : String(item))) };
  return { value };
}
