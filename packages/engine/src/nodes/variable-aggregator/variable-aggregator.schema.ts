import { z } from "zod";
import { defineNodeSchema, type ConfigProblem, type OutputDeclaration } from "../../schema/node-schema.ts";
import { selector } from "../../schema/value-reference.ts";
import { valueTypeSchema } from "../../schema/value-types.ts";

export const variableAggregatorGroupSchema = z.object({
  /** The output's name: downstream nodes read `[nodeId, name, "output"]`, as in Dify. */
  name: z
    .string()
    .max(64)
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "use letters, digits and '_', not starting with a digit"),
  /** Candidates in priority order, usually one per upstream branch. */
  variables: z.array(selector()).min(1, "a group needs at least one variable").max(50),
  outputType: valueTypeSchema.default("any"),
});
export type VariableAggregatorGroup = z.infer<typeof variableAggregatorGroupSchema>;

export const variableAggregatorConfigSchema = z.object({
  /**
   * Candidates in priority order, usually one per upstream branch. Unused (and may be empty) when
   * `groups` is set; `check` asks for at least one otherwise.
   */
  variables: z.array(selector()).max(50).default([]),
  outputType: valueTypeSchema.default("any"),
  /** Dify's advanced grouping: several aggregations in one node, one output per group. */
  groups: z.array(variableAggregatorGroupSchema).max(50).optional(),
});
export type VariableAggregatorConfig = z.infer<typeof variableAggregatorConfigSchema>;

/** Grouping applies when at least one group is set; an empty list is the plain mode, as in Dify. */
export function isGrouped(config: VariableAggregatorConfig): config is VariableAggregatorConfig & { groups: VariableAggregatorGroup[] } {
  return (config.groups?.length ?? 0) > 0;
}

function declareOutputs(config: VariableAggregatorConfig): OutputDeclaration[] {
  if (!isGrouped(config)) return [{ name: "output", type: config.outputType }];
  // Output declarations are flat, so a group's inner type goes in the description.
  return config.groups.map((group) => ({ name: group.name, type: "object", description: `{ output: ${group.outputType} }` }));
}

function checkVariableAggregatorConfig(config: VariableAggregatorConfig): ConfigProblem[] {
  if (!isGrouped(config)) {
    return config.variables.length === 0 ? [{ path: ["variables"], message: "add at least one variable to aggregate" }] : [];
  }
  const seen = new Set<string>();
  return config.groups.flatMap((group, index) => {
    if (seen.has(group.name)) return [{ path: ["groups", index, "name"], message: `group "${group.name}" is defined twice` }];
    seen.add(group.name);
    return [];
  });
}

export const variableAggregatorSchema = defineNodeSchema({
  type: "variable-aggregator",
  version: 1,
  title: "Variable Aggregator",
  description: "Merge the outputs of alternative branches into one variable: the value from the branch that ran.",
  category: "transform",
  config: variableAggregatorConfigSchema,
  outputs: declareOutputs,
  pure: true,
  check: checkVariableAggregatorConfig,
});
