import { z } from "zod";
import { defineNodeSchema, type ConfigProblem } from "../../schema/node-schema.ts";
import { selector } from "../../schema/value-reference.ts";

const identifier = z
  .string()
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "use letters, digits and '_', not starting with a digit");

/** The types a code output may declare: what JSON can carry (no files). */
export const CODE_OUTPUT_TYPES = ["string", "number", "boolean", "object", "array[string]", "array[number]", "array[object]", "array[any]"] as const;
export type CodeOutputType = (typeof CODE_OUTPUT_TYPES)[number];

export const codeConfigSchema = z.object({
  /** JavaScript only; Dify's python3 code nodes are converted when a DSL is imported. */
  language: z.literal("javascript").default("javascript"),
  /** Defines `function main(inputs) { return { ... } }`, sync or async. */
  code: z.string().max(100_000),
  /** `inputs.<name>` inside main, each read from an upstream output. */
  inputs: z
    .array(z.object({ name: identifier, selector: selector() }))
    .max(50)
    .default([]),
  /** What main must return; each becomes an output of the node with this type. */
  outputs: z
    .array(z.object({ name: identifier, type: z.enum(CODE_OUTPUT_TYPES) }))
    .min(1, "declare at least one output")
    .max(50),
  timeoutMs: z.number().int().min(10).max(60_000).default(5_000),
  memoryMb: z.number().int().min(8).max(512).default(64),
});

export type CodeConfig = z.infer<typeof codeConfigSchema>;

export const codeSchema = defineNodeSchema({
  type: "code",
  version: 1,
  title: "Code",
  description: "Run JavaScript on upstream values in a sandbox and return typed outputs.",
  category: "transform",
  config: codeConfigSchema,
  outputs: (config) => config.outputs.map((output) => ({ name: output.name, type: output.type })),
  // Deterministic and without I/O: the sandbox offers no network, files or timers.
  pure: true,
  check: (config) => [
    ...duplicates(config.inputs, "inputs"),
    ...duplicates(config.outputs, "outputs"),
    ...(/\bmain\b/.test(config.code) ? [] : [{ path: ["code"], message: "define function main(inputs) { return { ... } }" }]),
  ],
});

function duplicates(items: ReadonlyArray<{ name: string }>, field: "inputs" | "outputs"): ConfigProblem[] {
  const seen = new Set<string>();
  return items.flatMap((item, index) => {
    if (seen.has(item.name)) return [{ path: [field, index, "name"], message: `"${item.name}" is defined twice` }];
    seen.add(item.name);
    return [];
  });
}
