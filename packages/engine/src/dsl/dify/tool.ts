import { asRecord, asText, setOwn, type ConvertedNode, type ConverterContext, type DifyNodeData } from "./converter.ts";

/**
 * Dify built-in tools with a Tandem built-in that does the same, and how their parameters are named
 * here. Keyed `provider/tool` as Dify names them.
 */
const DIFY_BUILTINS: Record<string, { tool: string; parameters: Record<string, string> }> = {
  "time/current_time": { tool: "current-time", parameters: { timezone: "timezone" } },
  "regex/regex_extract": { tool: "regex-extract", parameters: { content: "text", expression: "pattern" } },
  "json_process/parse": { tool: "json-path", parameters: { content: "json", json_filter: "path" } },
  "webscraper/webscraper": { tool: "http-fetch", parameters: { url: "url" } },
};

/** Provider and tool names as parts of a Tandem tool name (`provider__tool`). */
function namePart(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "");
}

/** A Dify parameter value (`{ type, value }`, or a bare constant in older files) as the tool node's. */
function parameterValue(raw: unknown): Record<string, unknown> {
  const entry = asRecord(raw);
  if (entry.type === "variable" && Array.isArray(entry.value)) return { type: "variable", value: entry.value };
  if (entry.type === "mixed" && typeof entry.value === "string") return { type: "mixed", value: entry.value };
  if (entry.type === "constant" || "value" in entry) return { type: "constant", value: entry.value ?? null };
  return { type: "constant", value: raw ?? null };
}

/**
 * Dify's `tool` node as Tandem's: the tool is looked up by name (a Dify built-in with a Tandem
 * equivalent, an OpenAPI or MCP provider's tool as `provider__tool`, a workflow as `workflow__name`),
 * its parameters and form settings (`tool_configurations`) become the node's parameters. A tool that
 * the workspace does not have is reported as an error naming it; the node keeps the name, so adding
 * the provider later makes the workflow run.
 */
export function convertTool(data: DifyNodeData, context: ConverterContext): ConvertedNode {
  const providerType = asText(data.provider_type, "builtin");
  const provider = asText(data.provider_name) || asText(data.provider_id);
  const toolName = asText(data.tool_name);
  const builtin = providerType === "builtin" ? DIFY_BUILTINS[`${provider}/${toolName}`] : undefined;
  const tool = builtin?.tool ?? (providerType === "workflow" ? `workflow__${namePart(toolName)}` : `${namePart(provider)}__${namePart(toolName)}`).slice(0, 64);
  const parameters: Record<string, unknown> = {};
  const rename = (name: string) => builtin?.parameters[name] ?? name;
  for (const [name, value] of Object.entries(asRecord(data.tool_configurations))) setOwn(parameters, rename(name), parameterValue(value));
  for (const [name, value] of Object.entries(asRecord(data.tool_parameters))) setOwn(parameters, rename(name), parameterValue(value));
  const known = context.hasTool(tool);
  if (!known) {
    const label = asText(data.tool_label) || toolName;
    context.report(
      ["tool_name"],
      `calls the Dify ${providerType} tool "${label}" (${provider}/${toolName}), which this Tandem workspace does not have as "${tool}": add an OpenAPI or MCP tool provider that offers it under that name, or replace the node.`,
    );
  }
  return { type: "tool", version: 1, config: { tool, parameters } };
}
