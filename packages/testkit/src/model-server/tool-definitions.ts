import { z } from "zod";
import type { ToolSpec } from "./model-request.ts";

/** A tool definition as OpenAI and Ollama both accept it: `{ type: "function", function: { name, … } }`. */
export const toolDefinitionSchema = z
  .object({
    type: z.string().optional(),
    function: z
      .object({ name: z.string(), description: z.string().optional(), parameters: z.unknown().optional() })
      .passthrough(),
  })
  .passthrough();

export function toToolSpecs(tools: z.infer<typeof toolDefinitionSchema>[] | null | undefined): ToolSpec[] | undefined {
  if (tools === null || tools === undefined || tools.length === 0) return undefined;
  return tools.map(({ function: definition }) => ({
    name: definition.name,
    description: definition.description,
    parameters: definition.parameters,
  }));
}
