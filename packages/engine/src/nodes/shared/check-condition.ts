import type { ConfigProblem } from "../../schema/node-schema.ts";
import { templateReferences } from "../../schema/value-reference.ts";
import { toComparableNumber } from "./compare-values.ts";
import { isNumericOperator, operatorNeedsValue, operatorTakesList, type ComparisonOperator } from "./comparison-operator.ts";
import type { ConditionValue } from "./condition-value.ts";

/**
 * Problems with a condition's value that the zod schema cannot see because they depend on the
 * operator. At run time such a condition is simply false, which would hide the mistake; reporting it
 * here lets the editor point at the field before anything runs.
 */
export function checkCondition(condition: { operator: ComparisonOperator; value?: ConditionValue | undefined }, path: Array<string | number>): ConfigProblem[] {
  const { operator, value } = condition;
  if (!operatorNeedsValue(operator)) return [];
  const valuePath = [...path, "value"];
  if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) {
    return [{ path: valuePath, message: `"${operator}" needs a value to compare with` }];
  }
  if (operatorTakesList(operator) && !Array.isArray(value)) {
    return [{ path: valuePath, message: `"${operator}" needs a list of values` }];
  }
  if (isNumericOperator(operator) && !isNumberOrNumericText(value)) {
    return [{ path: valuePath, message: `"${operator}" compares numbers; give a number or a reference to one` }];
  }
  return [];
}

/** A reference can only be judged at run time, so text holding one passes. */
function isNumberOrNumericText(value: ConditionValue): boolean {
  if (typeof value === "number") return true;
  if (typeof value !== "string") return false;
  return toComparableNumber(value) !== undefined || templateReferences(value).length > 0;
}
