import { defineNode, type NodeContext } from "../../runtime/node-implementation.ts";
import { compareValues } from "../shared/compare-values.ts";
import { operatorNeedsValue } from "../shared/comparison-operator.ts";
import { renderConditionValue } from "../shared/condition-value.ts";
import { ELSE_HANDLE, ifElseSchema, type IfElseCase, type IfElseCondition } from "./if-else.schema.ts";

/** One evaluated condition, recorded on the execution so a user can see why a branch was taken. */
interface EvaluatedCondition {
  variable: string;
  left: unknown;
  operator: IfElseCondition["operator"];
  right?: unknown;
  outcome: boolean;
}

interface EvaluatedCase {
  id: string;
  logicalOperator: IfElseCase["logicalOperator"];
  conditions: EvaluatedCondition[];
  matched: boolean;
}

function evaluateCondition(condition: IfElseCondition, context: NodeContext): EvaluatedCondition {
  const left = context.resolve(condition.variable);
  const evaluated: EvaluatedCondition = { variable: condition.variable.join("."), left, operator: condition.operator, outcome: false };
  if (!operatorNeedsValue(condition.operator)) return { ...evaluated, outcome: compareValues(left, condition.operator, undefined) };
  const right = renderConditionValue(condition.value, (text) => context.render(text));
  return { ...evaluated, right, outcome: compareValues(left, condition.operator, right) };
}

function evaluateCase(ifCase: IfElseCase, context: NodeContext): EvaluatedCase {
  // Every condition is evaluated, not short-circuited, so the record shows each one's outcome.
  const conditions = ifCase.conditions.map((condition) => evaluateCondition(condition, context));
  const outcomes = conditions.map((condition) => condition.outcome);
  const matched = ifCase.logicalOperator === "and" ? outcomes.every(Boolean) : outcomes.some(Boolean);
  return { id: ifCase.id, logicalOperator: ifCase.logicalOperator, conditions, matched };
}

export const ifElseNode = defineNode(ifElseSchema, (config, context) => {
  const cases: EvaluatedCase[] = [];
  for (const ifCase of config.cases) {
    const evaluated = evaluateCase(ifCase, context);
    cases.push(evaluated);
    if (evaluated.matched) return { outputs: { result: true, selected_case: ifCase.id }, branch: ifCase.id, inputs: { cases } };
  }
  return { outputs: { result: false, selected_case: ELSE_HANDLE }, branch: ELSE_HANDLE, inputs: { cases } };
});
