import { createHash } from "node:crypto";
import { ANALYZER_VERSION, chunkSettingsSchema, retrievalSettingsSchema, type ChunkSettings, type RetrievalSettings } from "@tandem/knowledge";
import { z } from "zod";
import { KnowledgeError } from "./knowledge-error.ts";

const name = z.string().trim().min(1, "give the knowledge base a name").max(100, "a name has at most 100 characters");

/** What a user sends to create a knowledge base. */
export const knowledgeBaseInputSchema = z
  .object({
    name,
    description: z.string().max(2000).default(""),
    /** keyword: BM25 only, no model needed. high_quality: embeddings too (vector and hybrid retrieval). */
    indexMode: z.enum(["keyword", "high_quality"]).default("keyword"),
    /** `provider:model` of the embedding model (high-quality mode). */
    embeddingModel: z.string().trim().min(1).max(200).optional(),
    /** Known in advance, or taken from the model's first answer. */
    embeddingDimensions: z.number().int().min(1).max(2000).optional(),
    chunking: chunkSettingsSchema.default({ mode: "general" }),
    retrieval: retrievalSettingsSchema.partial().default({}),
    /** Private knowledge may only be embedded and reranked by local models. */
    private: z.boolean().default(false),
  })
  .strict();
export type KnowledgeBaseInput = z.input<typeof knowledgeBaseInputSchema>;

/** A change to a knowledge base: any subset of the creation fields. */
export const knowledgeBasePatchSchema = z
  .object({
    name: name.optional(),
    description: z.string().max(2000).optional(),
    indexMode: z.enum(["keyword", "high_quality"]).optional(),
    embeddingModel: z.string().trim().min(1).max(200).nullable().optional(),
    embeddingDimensions: z.number().int().min(1).max(2000).nullable().optional(),
    chunking: chunkSettingsSchema.optional(),
    retrieval: retrievalSettingsSchema.partial().optional(),
    private: z.boolean().optional(),
  })
  .strict();
export type KnowledgeBasePatch = z.input<typeof knowledgeBasePatchSchema>;

/** The settings as stored, read back through zod (JSON columns are never trusted as typed). */
export interface KnowledgeBaseSettings {
  indexMode: "keyword" | "high_quality";
  embeddingModel: string | null;
  embeddingDimensions: number | null;
  chunking: ChunkSettings;
  retrieval: RetrievalSettings;
  private: boolean;
}

export function readKnowledgeBaseSettings(row: {
  indexMode: "keyword" | "high_quality";
  embeddingModel: string | null;
  embeddingDimensions: number | null;
  chunking: unknown;
  retrieval: unknown;
  private: boolean;
}): KnowledgeBaseSettings {
  const chunking = chunkSettingsSchema.safeParse(row.chunking && typeof row.chunking === "object" && "mode" in row.chunking ? row.chunking : { mode: "general" });
  const retrieval = retrievalSettingsSchema.safeParse(row.retrieval ?? {});
  return {
    indexMode: row.indexMode,
    embeddingModel: row.embeddingModel,
    embeddingDimensions: row.embeddingDimensions,
    chunking: chunking.success ? chunking.data : chunkSettingsSchema.parse({ mode: "general" }),
    retrieval: retrieval.success ? retrieval.data : retrievalSettingsSchema.parse({}),
    private: row.private,
  };
}

/** Checks the combination of fields, whichever way they were set. */
export function checkSettingsConsistency(settings: { indexMode: string; embeddingModel: string | null | undefined; retrievalMode: string | undefined }): void {
  if (settings.indexMode === "high_quality" && !settings.embeddingModel) {
    throw new KnowledgeError("invalid_settings", "High-quality mode needs an embedding model: set embeddingModel to a \"provider:model\" reference, or use keyword mode.");
  }
  if (settings.indexMode === "keyword" && (settings.retrievalMode === "vector" || settings.retrievalMode === "hybrid")) {
    throw new KnowledgeError(
      "invalid_settings",
      `Retrieval mode ${settings.retrievalMode} needs embeddings: switch the knowledge base to high-quality mode with an embedding model, or use keyword retrieval.`,
    );
  }
}

/**
 * What a document's chunks depend on: the analyzer, the chunking, and in high-quality mode the
 * embedding model. Documents whose signature differs from their knowledge base's are re-indexed.
 * Retrieval defaults are not part of it: changing them needs no re-index.
 */
export function indexSignature(settings: Pick<KnowledgeBaseSettings, "indexMode" | "embeddingModel" | "chunking">): string {
  const basis = JSON.stringify({
    analyzer: ANALYZER_VERSION,
    chunking: settings.chunking,
    embeddings: settings.indexMode === "high_quality" ? settings.embeddingModel : null,
  });
  return `v1:${createHash("sha256").update(basis).digest("hex").slice(0, 16)}`;
}
