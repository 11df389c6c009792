import { defineNode, type NodeContext } from "../../runtime/node-implementation.ts";
import { valueToText } from "../../schema/value-reference.ts";
import { toolsOf } from "../../tools/tools-of.ts";
import { toolSchema, type ToolParameterValue } from "./tool.schema.ts";

function resolveParameter(parameter: ToolParameterValue, context: NodeContext): unknown {
  if (parameter.type === "variable") return context.resolve(parameter.value);
  if (parameter.type === "mixed") return context.render(parameter.value);
  return parameter.value;
}

/**
 * Calls a tool of the registry with the parameters the user filled in. Arguments and output are
 * checked against the tool's schemas by the registry; any failure (unknown tool, invalid arguments,
 * timeout, the tool's own error, output off its schema) fails the node with the registry's message,
 * so the node's error strategy (fail branch, default value) decides what follows.
 */
export const toolNode = defineNode(toolSchema, async (config, context) => {
  const args: Record<string, unknown> = {};
  for (const [name, parameter] of Object.entries(config.parameters)) {
    const value = resolveParameter(parameter, context);
    // An unset variable is left out, so the tool's schema (required, defaults) decides about it.
    if (value !== undefined) args[name] = value;
  }
  const result = await toolsOf(context.services).call(config.tool, args, { signal: context.signal, timeoutMs: config.timeoutMs, private: context.private });
  if (!result.ok) throw new Error(result.error.message);
  return { outputs: { result: result.output, text: valueToText(result.output) }, inputs: { tool: config.tool, arguments: args } };
});
