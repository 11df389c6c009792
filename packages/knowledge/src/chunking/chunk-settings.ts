import { z } from "zod";

export const DEFAULT_SEPARATORS = ["\n\n", "\n", "。", ". ", " "];

const separators = z.array(z.string().min(1)).default(DEFAULT_SEPARATORS);
const maxTokens = (fallback: number) => z.number().int().min(1).max(100_000).default(fallback);

export const generalChunkSettingsSchema = z
  .object({
    mode: z.literal("general"),
    separators,
    maxTokens: maxTokens(500),
    overlapTokens: z.number().int().min(0).default(50),
  })
  .refine((settings) => settings.overlapTokens < settings.maxTokens, {
    message: "overlapTokens must be smaller than maxTokens",
    path: ["overlapTokens"],
  });

export const parentChildChunkSettingsSchema = z.object({
  mode: z.literal("parent-child"),
  parent: z.object({ separators, maxTokens: maxTokens(1000) }).default({}),
  child: z.object({ separators, maxTokens: maxTokens(200) }).default({}),
});

/** How a parsed document is cut into chunks; parse user input with `chunkSettingsSchema.parse`. */
export const chunkSettingsSchema = z.union([generalChunkSettingsSchema, parentChildChunkSettingsSchema]);

export type ChunkSettings = z.infer<typeof chunkSettingsSchema>;
export type ChunkSettingsInput = z.input<typeof chunkSettingsSchema>;
