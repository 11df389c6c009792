import { ifElseSchema } from "../../nodes/if-else/if-else.schema.ts";
import { convertConditionValue, convertOperator } from "./conditions.ts";
import { asList, asRecord, asSelector, asText, type ConverterContext, type DifyNodeData, type NodeConverter } from "./converter.ts";

/**
 * Dify's cases map one to one; a case's id is its edge handle in both. Files from before Dify had
 * cases hold one top-level `logical_operator` + `conditions`: that is one case with the id "true".
 * ELSE is the "false" handle in both.
 */
export const convertIfElse: NodeConverter = (data, context) => {
  const cases = Array.isArray(data.cases)
    ? asList(data.cases).map((item, index) => convertCase(asRecord(item), ["cases", index], context))
    : [convertCase({ case_id: "true", logical_operator: data.logical_operator, conditions: data.conditions }, [], context)];
  return { type: "if-else", version: ifElseSchema.version, config: { cases } };
};

function convertCase(data: DifyNodeData, path: Array<string | number>, context: ConverterContext): Record<string, unknown> {
  const conditions: Array<Record<string, unknown>> = [];
  asList(data.conditions).forEach((item, index) => {
    const condition = asRecord(item);
    const where = [...path, "conditions", index];
    const operator = convertOperator(condition.comparison_operator);
    if ("unsupported" in operator) {
      context.report([...where, "comparison_operator"], `Comparison operator "${operator.unsupported}" is not supported; the condition was not imported.`);
      return;
    }
    if (condition.sub_variable_condition !== undefined && condition.sub_variable_condition !== null) {
      context.report([...where, "sub_variable_condition"], "Conditions on file properties are not supported; the condition was not imported.");
      return;
    }
    conditions.push({
      ...(condition.id === undefined ? {} : { id: asText(condition.id) }),
      variable: asSelector(condition.variable_selector),
      operator: operator.operator,
      ...convertConditionValue(operator.operator, condition.value),
    });
  });
  const logical = asText(data.logical_operator, "and");
  if (logical !== "and" && logical !== "or") context.report([...path, "logical_operator"], `Unknown logical operator "${logical}"; "and" was used.`, "warning");
  return {
    id: asText(data.case_id ?? data.id),
    logicalOperator: logical === "or" ? "or" : "and",
    conditions,
  };
}
