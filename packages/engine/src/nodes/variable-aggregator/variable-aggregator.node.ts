import { defineNode, type NodeContext } from "../../runtime/node-implementation.ts";
import type { ValueSelector } from "../../schema/value-reference.ts";
import { isGrouped, variableAggregatorSchema } from "./variable-aggregator.schema.ts";

interface Picked {
  /** The selector whose value was taken, dotted; null when none had a value. */
  from: string | null;
  value: unknown;
}

/**
 * The first candidate with a value. Branches that did not run leave their outputs undefined, so this
 * is the value from the branch that did; null (rather than an error) when none did.
 */
function pickFirstSet(selectors: ValueSelector[], context: NodeContext): Picked {
  for (const selector of selectors) {
    const value = context.resolve(selector);
    if (value !== undefined && value !== null) return { from: selector.join("."), value };
  }
  return { from: null, value: null };
}

export const variableAggregatorNode = defineNode(variableAggregatorSchema, (config, context) => {
  if (!isGrouped(config)) {
    const picked = pickFirstSet(config.variables, context);
    return { outputs: { output: picked.value }, inputs: { selected: { output: picked.from } } };
  }
  const outputs: Record<string, unknown> = {};
  const selected: Record<string, string | null> = {};
  for (const group of config.groups) {
    const picked = pickFirstSet(group.variables, context);
    // Nested under `output` as in Dify, so imported references like {{#agg.group.output#}} resolve.
    outputs[group.name] = { output: picked.value };
    selected[group.name] = picked.from;
  }
  return { outputs, inputs: { selected } };
});
