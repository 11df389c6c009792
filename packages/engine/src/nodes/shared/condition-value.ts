import { z } from "zod";
import { templateText } from "../../schema/value-reference.ts";

/**
 * The right-hand side of a condition. Text may embed `{{#node.output#}}` references (marked with
 * templateText so validation and the variable picker see them); a list is the candidates of `in`.
 */
export const conditionValueSchema = z.union([
  templateText({ maxLength: 10_000 }),
  z.number(),
  z.boolean(),
  z.array(templateText({ maxLength: 10_000 })).max(1000),
]);
export type ConditionValue = z.infer<typeof conditionValueSchema>;

/** Replaces references in the value's text (each item of a list too); numbers and booleans pass through. */
export function renderConditionValue(value: ConditionValue | undefined, render: (text: string) => string): ConditionValue | undefined {
  if (typeof value === "string") return render(value);
  if (Array.isArray(value)) return value.map((item) => render(item));
  return value;
}
