import { z } from "zod";
import { defineNodeSchema, type OutputDeclaration } from "../../schema/node-schema.ts";
import type { ValueType } from "../../schema/value-types.ts";

export const startInputTypeSchema = z.enum(["text", "paragraph", "number", "select", "boolean", "json", "file"]);
export type StartInputType = z.infer<typeof startInputTypeSchema>;

export const startInputSchema = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "use letters, digits and '_', not starting with a digit").max(64),
  label: z.string().max(200).default(""),
  type: startInputTypeSchema,
  required: z.boolean().default(false),
  default: z.unknown().optional(),
  /** Choices of a select input. */
  options: z.array(z.string()).max(200).optional(),
  /** Longest text accepted (text and paragraph). */
  maxLength: z.number().int().min(1).max(1_000_000).optional(),
});
export type StartInput = z.infer<typeof startInputSchema>;

export const startConfigSchema = z.object({
  variables: z.array(startInputSchema).max(100).default([]),
});

const OUTPUT_TYPES: Record<StartInputType, ValueType> = {
  text: "string",
  paragraph: "string",
  select: "string",
  number: "number",
  boolean: "boolean",
  json: "object",
  file: "file",
};

export const startSchema = defineNodeSchema({
  type: "start",
  version: 1,
  title: "Start",
  description: "The run's inputs: the form a user or an API call fills in.",
  category: "io",
  config: startConfigSchema,
  outputs: (config): OutputDeclaration[] =>
    config.variables.map((variable) => ({ name: variable.name, type: OUTPUT_TYPES[variable.type], description: variable.label })),
  pure: true,
  singleton: true,
  check: (config) => {
    const seen = new Set<string>();
    const problems: Array<{ path: Array<string | number>; message: string }> = [];
    config.variables.forEach((variable, index) => {
      if (seen.has(variable.name)) problems.push({ path: ["variables", index, "name"], message: `"${variable.name}" is defined twice` });
      seen.add(variable.name);
      if (variable.type === "select" && (variable.options ?? []).length === 0) {
        problems.push({ path: ["variables", index, "options"], message: "a select input needs at least one option" });
      }
    });
    return problems;
  },
});
