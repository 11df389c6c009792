import type { ToolDefinition } from "../../ports/model-gateway.ts";
import type { NodeContext } from "../../runtime/node-implementation.ts";
import { valueToText } from "../../schema/value-reference.ts";
import { toolsOf } from "../../tools/tools-of.ts";
import type { AgentTool, HttpTool } from "./agent.schema.ts";

/** Tool output handed back to the model, at most; small models have small context windows. */
const MAX_OBSERVATION_CHARS = 4000;

export interface AgentToolbox {
  definitions: ToolDefinition[];
  /** Runs a tool; throws with a message the model can act on (bad input, HTTP error, unknown tool, timeout). */
  run(name: string, input: Record<string, unknown>): Promise<string>;
}

/**
 * The agent's tools: HTTP tools defined in the node itself, and tools of the workspace's registry
 * (built-ins included) by name. A registry tool that does not exist fails the node before the model
 * is asked anything, naming the tool.
 */
export async function createAgentToolbox(tools: readonly AgentTool[], context: NodeContext): Promise<AgentToolbox> {
  const registry = toolsOf(context.services);
  const wanted = tools.filter((tool) => tool.type !== "http");
  const listed = wanted.length === 0 ? [] : await registry.list({ signal: context.signal });
  const byName = new Map(listed.map((tool) => [tool.name, tool]));
  const definitions = tools.map((tool): ToolDefinition => {
    if (tool.type === "http") return { name: tool.name, description: tool.description, parameters: tool.parameters };
    const found = byName.get(tool.name);
    if (!found) {
      throw new Error(`The agent uses the tool "${tool.name}", which this workspace does not have. Available: ${[...byName.keys()].join(", ") || "none"}.`);
    }
    return { name: found.name, description: found.description, parameters: found.parameters };
  });
  return {
    definitions,
    async run(name, input) {
      const tool = tools.find((candidate) => candidate.name === name);
      if (!tool) throw new Error(`There is no tool named "${name}". Available: ${tools.map((candidate) => candidate.name).join(", ") || "none"}.`);
      let output: string;
      if (tool.type === "http") output = await runHttpTool(tool, input, context);
      else {
        const result = await registry.call(name, input, { signal: context.signal, private: context.private });
        if (!result.ok) throw new Error(result.error.message);
        output = valueToText(result.output);
      }
      return output.length > MAX_OBSERVATION_CHARS ? `${output.slice(0, MAX_OBSERVATION_CHARS)}… (truncated)` : output;
    },
  };
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g;

/**
 * Calls an HTTP tool through the guarded HTTP port. Arguments fill the URL's `{{name}}` placeholders;
 * the rest go in the query string (GET, DELETE) or as a JSON body.
 */
async function runHttpTool(tool: HttpTool, input: Record<string, unknown>, context: NodeContext): Promise<string> {
  const used = new Set<string>();
  const filled = context.render(tool.url).replace(PLACEHOLDER, (_match, name: string) => {
    if (!Object.hasOwn(input, name) || input[name] === undefined || input[name] === null) throw new Error(`The argument "${name}" is required.`);
    used.add(name);
    return encodeURIComponent(valueToText(input[name]));
  });
  const rest = Object.entries(input).filter(([name, value]) => !used.has(name) && value !== undefined);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(tool.headers)) headers[name] = context.render(value);
  let url = filled;
  let body: string | undefined;
  if (tool.method === "GET" || tool.method === "DELETE") {
    if (rest.length > 0) {
      const parsed = new URL(filled);
      for (const [name, value] of rest) parsed.searchParams.append(name, valueToText(value));
      url = parsed.toString();
    }
  } else {
    body = JSON.stringify(Object.fromEntries(rest));
    headers["content-type"] ??= "application/json";
  }
  const response = await context.services.http.request({ url, method: tool.method, headers, body, timeoutMs: tool.timeoutMs, signal: context.signal, followRedirects: true });
  const text = new TextDecoder().decode(response.body);
  if (response.status < 200 || response.status > 299) throw new Error(`HTTP ${response.status}: ${text.slice(0, 500) || "(empty body)"}`);
  return text;
}
