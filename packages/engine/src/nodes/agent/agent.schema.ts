import { z } from "zod";
import { modelField } from "../../schema/model-field.ts";
import { defineNodeSchema, type ConfigProblem } from "../../schema/node-schema.ts";
import { selector, templateText } from "../../schema/value-reference.ts";
import { BUILTIN_TOOL_NAMES } from "../../tools/builtin-tool-names.ts";
import { jsonSchemaObjectSchema } from "../shared/validate-json-schema.ts";

const toolName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, "use letters, digits, '_' and '-', not starting with a digit")
  .max(64);

export const builtinToolSchema = z.object({
  type: z.literal("builtin"),
  name: z.enum(BUILTIN_TOOL_NAMES),
});

/** A tool of the workspace's registry (an OpenAPI operation, an MCP tool, a published workflow, a built-in). */
export const registryToolSchema = z.object({
  type: z.literal("tool"),
  name: toolName,
});

export const httpToolSchema = z.object({
  type: z.literal("http"),
  name: toolName,
  /** What the model reads to decide when to call the tool. */
  description: z.string().min(1, "describe what the tool does").max(2000),
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("GET"),
  /** `{{param}}` placeholders are filled from the call's arguments; `{{#node.output#}}` from the workflow. */
  url: templateText({ maxLength: 4000 }),
  headers: z.record(z.string().min(1).max(200), templateText({ maxLength: 4000 })).default({}),
  /** JSON Schema of the arguments the model passes. */
  parameters: jsonSchemaObjectSchema.default({ type: "object", properties: {} }),
  timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
});

export const agentToolSchema = z.discriminatedUnion("type", [builtinToolSchema, registryToolSchema, httpToolSchema]);
export type AgentTool = z.infer<typeof agentToolSchema>;
export type HttpTool = z.infer<typeof httpToolSchema>;

export const agentConfigSchema = z.object({
  model: modelField(),
  /** The agent's role and rules (the system prompt). */
  instruction: templateText(),
  /** The task: a variable, or text with references. */
  query: z.union([selector(), templateText()]),
  tools: z.array(agentToolSchema).max(20).default([]),
  /**
   * auto: native tool calls when the model supports them, else ReAct. function-calling: always
   * native. react: always the text protocol (Thought/Action/Observation), for models without tools.
   */
  strategy: z.enum(["auto", "function-calling", "react"]).default("auto"),
  maxIterations: z.number().int().min(1).max(20).default(5),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;

function checkTools(config: AgentConfig): ConfigProblem[] {
  const seen = new Set<string>();
  return config.tools.flatMap((tool, index) => {
    if (seen.has(tool.name)) return [{ path: ["tools", index, "name"], message: `a tool named "${tool.name}" is already listed` }];
    seen.add(tool.name);
    return [];
  });
}

export const agentSchema = defineNodeSchema({
  type: "agent",
  version: 1,
  title: "Agent",
  description: "Let a model work on a task with tools (the workspace's tools, calculator, clock, HTTP APIs) until it has an answer.",
  category: "model",
  config: agentConfigSchema,
  outputs: () => [
    { name: "text", type: "string", description: "The final answer." },
    { name: "steps", type: "array[object]", description: "Each tool call: thought, tool, input, and output or error." },
  ],
  pure: false,
  check: checkTools,
});
