import { z } from "zod";
import { defineNodeSchema, type ConfigProblem } from "../../schema/node-schema.ts";
import { selector, templateText } from "../../schema/value-reference.ts";

/**
 * One argument of the tool, in Dify's `tool_parameters` shape so imported workflows keep theirs:
 * a variable (its value as it is, any type), text with `{{#node.output#}}` references, or a constant.
 */
export const toolParameterValueSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("variable"), value: selector() }),
  z.object({ type: z.literal("mixed"), value: templateText({ maxLength: 64_000 }) }),
  z.object({ type: z.literal("constant"), value: z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), z.record(z.string(), z.unknown())]) }),
]);
export type ToolParameterValue = z.infer<typeof toolParameterValueSchema>;

export const toolConfigSchema = z.object({
  /** The tool's name in the workspace's registry (a built-in, an OpenAPI operation, an MCP tool, a workflow). */
  tool: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, "use the tool's name: letters, digits, '_' and '-'")
    .max(64),
  parameters: z.record(z.string().min(1).max(200), toolParameterValueSchema).default({}),
  timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
});
export type ToolConfig = z.infer<typeof toolConfigSchema>;

export const toolSchema = defineNodeSchema({
  type: "tool",
  version: 1,
  title: "Tool",
  description: "Call a tool of the workspace (built-in, OpenAPI, MCP or a published workflow) with the parameters you fill in.",
  category: "tool",
  config: toolConfigSchema,
  outputs: () => [
    { name: "result", type: "any", description: "What the tool returned (JSON)." },
    { name: "text", type: "string", description: "The result as text." },
  ],
  pure: false,
  check: (config) => {
    const problems: ConfigProblem[] = [];
    if (config.tool === "") problems.push({ path: ["tool"], message: "pick the tool to call" });
    return problems;
  },
});
