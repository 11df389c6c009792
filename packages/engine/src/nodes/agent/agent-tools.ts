import type { ToolDefinition } from "../../ports/model-gateway.ts";
import type { NodeContext } from "../../runtime/node-implementation.ts";
import { valueToText } from "../../schema/value-reference.ts";
import type { AgentTool, HttpTool } from "./agent.schema.ts";
import { currentTime } from "./current-time.ts";
import { evaluateArithmetic } from "./evaluate-arithmetic.ts";

/** Tool output handed back to the model, at most; small models have small context windows. */
const MAX_OBSERVATION_CHARS = 4000;

const BUILTIN_DEFINITIONS: Record<"calculator" | "current-time", ToolDefinition> = {
  calculator: {
    name: "calculator",
    description: "Evaluate an arithmetic expression: + - * / % ^, parentheses, sqrt abs round min max log exp sin cos.",
    parameters: { type: "object", properties: { expression: { type: "string", description: 'e.g. "(3 + 4) * 2"' } }, required: ["expression"] },
  },
  "current-time": {
    name: "current-time",
    description: "Get the current date and time.",
    parameters: { type: "object", properties: { timezone: { type: "string", description: 'IANA time zone, e.g. "Europe/Paris"; UTC if omitted' } } },
  },
};

export interface AgentToolbox {
  definitions: ToolDefinition[];
  /** Runs a tool; throws with a message the model can act on (bad input, HTTP error, unknown tool). */
  run(name: string, input: Record<string, unknown>): Promise<string>;
}

export function createAgentToolbox(tools: readonly AgentTool[], context: NodeContext): AgentToolbox {
  const definitions = tools.map((tool): ToolDefinition =>
    tool.type === "builtin" ? BUILTIN_DEFINITIONS[tool.name] : { name: tool.name, description: tool.description, parameters: tool.parameters },
  );
  return {
    definitions,
    async run(name, input) {
      const tool = tools.find((candidate) => candidate.name === name);
      if (!tool) throw new Error(`There is no tool named "${name}". Available: ${tools.map((candidate) => candidate.name).join(", ") || "none"}.`);
      const output = tool.type === "http" ? await runHttpTool(tool, input, context) : runBuiltin(tool.name, input);
      return output.length > MAX_OBSERVATION_CHARS ? `${output.slice(0, MAX_OBSERVATION_CHARS)}… (truncated)` : output;
    },
  };
}

function runBuiltin(name: "calculator" | "current-time", input: Record<string, unknown>): string {
  if (name === "current-time") return currentTime(typeof input.timezone === "string" ? input.timezone : undefined);
  const expression = input.expression;
  if (typeof expression !== "string" && typeof expression !== "number") throw new Error('Pass the arithmetic as {"expression": "..."}.');
  // 15 significant digits hide binary noise (0.1 + 0.2 is 0.3 to a reader).
  return String(Number(evaluateArithmetic(String(expression)).toPrecision(15)));
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
