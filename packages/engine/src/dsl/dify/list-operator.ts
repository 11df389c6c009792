import { listOperatorSchema } from "../../nodes/list-operator/list-operator.schema.ts";
import { convertConditionValue, convertOperator } from "./conditions.ts";
import { asList, asRecord, asSelector, asText, type NodeConverter } from "./converter.ts";

/** Dify's filter_by / order_by / limit / extract_by as Tandem's filter / sort / slice / extract. */
export const convertListOperator: NodeConverter = (data, context) => {
  const config: Record<string, unknown> = { variable: asSelector(data.variable) };

  const filterBy = asRecord(data.filter_by);
  if (data.filter_by !== undefined) {
    const conditions: Array<Record<string, unknown>> = [];
    asList(filterBy.conditions).forEach((item, index) => {
      const condition = asRecord(item);
      const operator = convertOperator(condition.comparison_operator);
      if ("unsupported" in operator) {
        const path = ["filter_by", "conditions", index, "comparison_operator"];
        context.report(path, `Comparison operator "${operator.unsupported}" is not supported; the condition was not imported.`);
        return;
      }
      const key = asText(condition.key);
      conditions.push({ ...(key === "" ? {} : { key }), operator: operator.operator, ...convertConditionValue(operator.operator, condition.value) });
    });
    // Dify keeps an item only if every condition holds.
    config.filter = { enabled: filterBy.enabled === true, conditions, logicalOperator: "and" };
  }

  const orderBy = asRecord(data.order_by);
  if (data.order_by !== undefined) {
    const key = asText(orderBy.key);
    config.sort = { enabled: orderBy.enabled === true, ...(key === "" ? {} : { key }), order: orderBy.value === "desc" ? "desc" : "asc" };
  }

  const limit = asRecord(data.limit);
  if (limit.enabled === true || (typeof limit.size === "number" && limit.size >= 1)) {
    config.slice = { enabled: limit.enabled === true, offset: 0, limit: limit.size };
  }

  const extractBy = asRecord(data.extract_by);
  const serial = asText(extractBy.serial).trim();
  if (extractBy.enabled === true || serial !== "") {
    config.extract = { enabled: extractBy.enabled === true, index: /^\d+$/.test(serial) ? Number(serial) : serial };
  }
  return { type: "list-operator", version: listOperatorSchema.version, config };
};
