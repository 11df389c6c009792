import { defineNode, type NodeContext } from "../../runtime/node-implementation.ts";
import { typeOfValue } from "../../schema/value-types.ts";
import { compareValues } from "../shared/compare-values.ts";
import { renderConditionValue } from "../shared/condition-value.ts";
import { listOperatorSchema, parseExtractIndex, type ListFilterCondition, type ListOperatorConfig } from "./list-operator.schema.ts";
import { readItemKey } from "./read-item-key.ts";
import { sortItems } from "./sort-items.ts";

function describeType(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  return typeOfValue(value);
}

function filterItems(items: unknown[], filter: NonNullable<ListOperatorConfig["filter"]>, context: NodeContext): unknown[] {
  if (filter.conditions.length === 0) return items;
  // References in the values are rendered once, not once per item.
  const conditions = filter.conditions.map((condition: ListFilterCondition) => ({
    ...condition,
    value: renderConditionValue(condition.value, (text) => context.render(text)),
  }));
  return items.filter((item) => {
    const holds = (condition: (typeof conditions)[number]) => compareValues(readItemKey(item, condition.key), condition.operator, condition.value);
    return filter.logicalOperator === "and" ? conditions.every(holds) : conditions.some(holds);
  });
}

function extractItem(items: unknown[], index: number | string, context: NodeContext): unknown[] {
  const rendered = typeof index === "string" ? context.render(index) : index;
  const position = parseExtractIndex(rendered);
  if (position === undefined) throw new Error(`List operator: the extract index must be a whole number from 1, got "${String(rendered)}".`);
  // Out of range is an empty result rather than an error: how long the list is depends on the data.
  return position <= items.length ? [items[position - 1]] : [];
}

/**
 * Steps run in a fixed order: filter, sort, slice, then extract (counted within the slice). Dify
 * extracts before sorting; extracting last lets "sort desc, extract 1" mean "the highest".
 */
export const listOperatorNode = defineNode(listOperatorSchema, (config, context) => {
  const input = context.resolve(config.variable);
  if (!Array.isArray(input)) {
    throw new Error(`List operator expects a list at ${config.variable.join(".")} but got ${describeType(input)}.`);
  }
  let items: unknown[] = input;
  if (config.filter?.enabled) items = filterItems(items, config.filter, context);
  if (config.sort?.enabled) items = sortItems(items, config.sort.key, config.sort.order);
  if (config.slice?.enabled) items = items.slice(config.slice.offset, config.slice.offset + config.slice.limit);
  if (config.extract?.enabled) items = extractItem(items, config.extract.index, context);
  return {
    outputs: { result: items, first_record: items.length > 0 ? items[0] : null, last_record: items.length > 0 ? items[items.length - 1] : null },
    inputs: { variable: input },
  };
});
