import { z } from "zod";
import { defineNodeSchema, type ConfigProblem } from "../../schema/node-schema.ts";
import { selector, templateReferences, templateText } from "../../schema/value-reference.ts";
import { checkCondition } from "../shared/check-condition.ts";
import { comparisonOperatorSchema } from "../shared/comparison-operator.ts";
import { conditionValueSchema } from "../shared/condition-value.ts";

/** A property of object items, dotted for nested ones ("author.name"); empty for lists of scalars. */
const itemKeySchema = z.string().max(200).optional();

export const listFilterConditionSchema = z.object({
  key: itemKeySchema,
  operator: comparisonOperatorSchema,
  /** Omitted for operators that test the item alone (empty, exists…). */
  value: conditionValueSchema.optional(),
});
export type ListFilterCondition = z.infer<typeof listFilterConditionSchema>;

export const listOperatorConfigSchema = z.object({
  /** The list to work on. */
  variable: selector({ accepts: ["array"] }),
  /** Keeps the items the conditions hold for. */
  filter: z
    .object({
      enabled: z.boolean().default(false),
      conditions: z.array(listFilterConditionSchema).max(50).default([]),
      logicalOperator: z.enum(["and", "or"]).default("and"),
    })
    .optional(),
  /** Stable; items of different types are ordered by type (numbers, text, booleans, lists, objects), missing values last. */
  sort: z
    .object({
      enabled: z.boolean().default(false),
      key: itemKeySchema,
      order: z.enum(["asc", "desc"]).default("asc"),
    })
    .optional(),
  /** Keeps `limit` items from `offset` (0-based). */
  slice: z
    .object({
      enabled: z.boolean().default(false),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1),
    })
    .optional(),
  /**
   * Keeps the single item at `index`, 1-based like Dify's "serial". Text may be a reference
   * (`{{#start.n#}}`), read when the node runs.
   */
  extract: z
    .object({
      enabled: z.boolean().default(false),
      index: z.union([z.number().int().min(1), templateText({ maxLength: 200 })]),
    })
    .optional(),
});
export type ListOperatorConfig = z.infer<typeof listOperatorConfigSchema>;

/** A 1-based index from a number or its text; undefined when it is not a whole number from 1. */
export function parseExtractIndex(value: number | string): number | undefined {
  const index = typeof value === "number" ? value : value.trim() === "" ? Number.NaN : Number(value.trim());
  return Number.isInteger(index) && index >= 1 ? index : undefined;
}

function checkListOperatorConfig(config: ListOperatorConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (config.filter?.enabled) {
    config.filter.conditions.forEach((condition, index) => problems.push(...checkCondition(condition, ["filter", "conditions", index])));
  }
  const index = config.extract?.enabled ? config.extract.index : undefined;
  if (typeof index === "string" && templateReferences(index).length === 0 && parseExtractIndex(index) === undefined) {
    problems.push({ path: ["extract", "index"], message: "the index must be a whole number from 1, or a reference to one" });
  }
  return problems;
}

export const listOperatorSchema = defineNodeSchema({
  type: "list-operator",
  version: 1,
  title: "List Operator",
  description: "Filter, sort, slice or pick items of a list.",
  category: "transform",
  config: listOperatorConfigSchema,
  // The item type is the input's, unknown from the config alone; "array[any]" flows into any list input.
  outputs: () => [
    { name: "result", type: "array[any]", description: "The items left after filter, sort, slice and extract." },
    { name: "first_record", type: "any", description: "The first item of the result, or null when it is empty." },
    { name: "last_record", type: "any", description: "The last item of the result, or null when it is empty." },
  ],
  pure: true,
  check: checkListOperatorConfig,
});
