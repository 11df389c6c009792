import { z } from "zod";
import { modelField } from "../../schema/model-field.ts";
import { defineNodeSchema } from "../../schema/node-schema.ts";
import { selector, templateText } from "../../schema/value-reference.ts";

export const summarizeConfigSchema = z.object({
  model: modelField(),
  /** The text to summarise, however long. */
  input: selector({ accepts: ["string"] }),
  /** What the summary should focus on, its length or its format. */
  instruction: templateText({ maxLength: 10_000 }).optional(),
  /** A smaller chunk size than the model's context window allows (smaller chunks: finer summaries, more calls). */
  maxChunkTokens: z.number().int().min(16).max(1_000_000).optional(),
  /** Chunks summarised at once. Local models usually serve one or two requests at a time. */
  parallelism: z.number().int().min(1).max(8).default(2),
});
export type SummarizeConfig = z.infer<typeof summarizeConfigSchema>;

export const summarizeSchema = defineNodeSchema({
  type: "summarize",
  version: 1,
  title: "Summarize",
  description: "Summarise text of any length: split to fit the model's context window, summarise the parts, then combine them.",
  category: "model",
  config: summarizeConfigSchema,
  outputs: () => [
    { name: "summary", type: "string" },
    { name: "chunks", type: "number", description: "How many parts the input was split into." },
    { name: "rounds", type: "number", description: "Model passes over the text: 1 when it fit at once." },
  ],
  pure: false,
});
