import { z } from "zod";
import { modelField } from "../../schema/model-field.ts";
import { defineNodeSchema, type ConfigProblem, type OutputDeclaration } from "../../schema/node-schema.ts";
import { selector, templateText } from "../../schema/value-reference.ts";

export const extractedTypeSchema = z.enum(["string", "number", "boolean", "array[string]", "array[number]", "array[object]", "object"]);
export type ExtractedType = z.infer<typeof extractedTypeSchema>;

export const extractedParameterSchema = z.object({
  /** The output's name. */
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "use letters, digits and '_', not starting with a digit")
    .max(100),
  type: extractedTypeSchema,
  /** What the model reads to find the value. */
  description: z.string().max(2000).default(""),
  required: z.boolean().default(false),
  /** For strings: the only values allowed. */
  options: z.array(z.string().min(1).max(500)).max(100).optional(),
});
export type ExtractedParameter = z.infer<typeof extractedParameterSchema>;

export const parameterExtractorConfigSchema = z.object({
  model: modelField(),
  /** The text to extract from. */
  query: selector(),
  parameters: z.array(extractedParameterSchema).min(1, "add at least one parameter").max(30),
  instruction: templateText({ maxLength: 10_000 }).optional(),
  /** json: ask for a JSON object in the answer (any model); tools: one native function call (models with tool support). */
  mode: z.enum(["json", "tools"]).default("json"),
});
export type ParameterExtractorConfig = z.infer<typeof parameterExtractorConfigSchema>;

function checkParameters(config: ParameterExtractorConfig): ConfigProblem[] {
  const seen = new Set<string>();
  return config.parameters.flatMap((parameter, index) => {
    const path = ["parameters", index, "name"];
    if (parameter.name.startsWith("__")) return [{ path, message: `"${parameter.name}": names starting with "__" are reserved for the node's own outputs` }];
    if (seen.has(parameter.name)) return [{ path, message: `"${parameter.name}" is defined twice` }];
    seen.add(parameter.name);
    if (parameter.options && parameter.type !== "string" && parameter.type !== "array[string]") {
      return [{ path: ["parameters", index, "options"], message: "options apply to string parameters only" }];
    }
    return [];
  });
}

export const parameterExtractorSchema = defineNodeSchema({
  type: "parameter-extractor",
  version: 1,
  title: "Parameter Extractor",
  description: "Let a model pull typed values (names, amounts, dates, lists) out of text.",
  category: "model",
  config: parameterExtractorConfigSchema,
  outputs: (config) => [
    ...config.parameters.map((parameter): OutputDeclaration => ({ name: parameter.name, type: parameter.type, description: parameter.description })),
    { name: "__is_success", type: "number", description: "1 when every value was extracted and valid, else 0." },
    { name: "__reason", type: "string", description: "Why extraction failed; empty on success." },
  ],
  pure: false,
  check: checkParameters,
});
