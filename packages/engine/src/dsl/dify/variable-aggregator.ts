import { variableAggregatorSchema } from "../../nodes/variable-aggregator/variable-aggregator.schema.ts";
import { valueTypeSchema, type ValueType } from "../../schema/value-types.ts";
import { asList, asRecord, asSelector, asText, type ConverterContext, type NodeConverter } from "./converter.ts";

/**
 * Also Dify's legacy "variable-assigner" node, which was the aggregator before it was renamed.
 * Groups keep Dify's output shape: downstream reads `[nodeId, groupName, "output"]`.
 */
export const convertVariableAggregator: NodeConverter = (data, context) => {
  const config: Record<string, unknown> = {
    variables: asList(data.variables).map(asSelector),
    outputType: outputType(data.output_type, ["output_type"], context),
  };
  const advanced = asRecord(data.advanced_settings);
  if (advanced.group_enabled === true) {
    config.groups = asList(advanced.groups).map((item, index) => {
      const group = asRecord(item);
      return {
        name: asText(group.group_name),
        variables: asList(group.variables).map(asSelector),
        outputType: outputType(group.output_type, ["advanced_settings", "groups", index, "output_type"], context),
      };
    });
  }
  return { type: "variable-aggregator", version: variableAggregatorSchema.version, config };
};

function outputType(value: unknown, path: Array<string | number>, context: ConverterContext): ValueType {
  if (value === undefined || value === null || value === "") return "any";
  const text = asText(value);
  if (text === "array") return "array[any]";
  const parsed = valueTypeSchema.safeParse(text);
  if (parsed.success) return parsed.data;
  context.report(path, `Output type "${text}" is unknown here; "any" was used.`, "warning");
  return "any";
}
