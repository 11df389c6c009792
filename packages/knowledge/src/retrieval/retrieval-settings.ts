import { z } from "zod";

/**
 * How a query is answered from knowledge bases: which retrievers, how their rankings are fused, how
 * many chunks come back, and which are dropped. One schema for the knowledge base's defaults, the
 * `knowledge-retrieval` node and the hit-testing API.
 */

export const RETRIEVAL_MODES = ["keyword", "vector", "hybrid"] as const;
export type RetrievalMode = (typeof RETRIEVAL_MODES)[number];

/** Where a chunk came from, as reported on each hit. */
export type RetrieverName = "keyword" | "vector";

export const fusionSchema = z
  .discriminatedUnion("method", [
    /** Reciprocal-rank fusion: Σ 1 / (k + rank); needs no score calibration. */
    z.object({ method: z.literal("rrf"), k: z.number().min(1).max(1000).default(60) }),
    /** Weighted sum of each retriever's scores normalised to [0, 1] (keyword: divided by the best; vector: cosine similarity). */
    z.object({
      method: z.literal("weighted"),
      keywordWeight: z.number().min(0).max(1).default(0.3),
      vectorWeight: z.number().min(0).max(1).default(0.7),
    }),
  ])
  .default({ method: "rrf", k: 60 });
export type FusionSettings = z.infer<typeof fusionSchema>;

export const rerankSchema = z.object({
  /** A model reference (`provider:model`) that serves reranking (`/rerank`) or, failing that, chat. */
  model: z.string().min(1, "choose a rerank model"),
  /** How many fused candidates go to the reranker (default: 4 × topK, at most 100). */
  candidates: z.number().int().min(1).max(200).optional(),
});
export type RerankSettings = z.infer<typeof rerankSchema>;

export const retrievalSettingsSchema = z.object({
  /** keyword needs no model; vector and hybrid need the knowledge base to be indexed in high-quality mode. */
  mode: z.enum(RETRIEVAL_MODES).default("keyword"),
  topK: z.number().int().min(1, "topK must be at least 1").max(100, "topK can be at most 100").default(5),
  /**
   * Hits whose final score is below this are dropped. Scores are in [0, 1]: keyword BM25 divided by
   * the best keyword score, vector cosine similarity, fusion normalised to its maximum, rerank relevance.
   */
  scoreThreshold: z.number().min(0).max(1).nullable().default(null),
  fusion: fusionSchema,
  rerank: rerankSchema.nullable().default(null),
  /** How many candidates each retriever contributes before fusion (default: max(4 × topK, 20)). */
  candidates: z.number().int().min(1).max(1000).optional(),
});
export type RetrievalSettings = z.infer<typeof retrievalSettingsSchema>;
export type RetrievalSettingsInput = z.input<typeof retrievalSettingsSchema>;

/**
 * Operators of a metadata condition. `document_id`, `document_name` and `tags` are built-in fields;
 * any other field is a custom metadata key of the document. `contains` on tags means "has this tag".
 */
export const METADATA_OPERATORS = [
  "eq",
  "ne",
  "gt",
  "gte",
  "lt",
  "lte",
  "contains",
  "not_contains",
  "starts_with",
  "ends_with",
  "in",
  "not_in",
  "empty",
  "not_empty",
] as const;
export type MetadataOperator = (typeof METADATA_OPERATORS)[number];

const scalar = z.union([z.string().max(1000), z.number(), z.boolean()]);

export const metadataConditionSchema = z
  .object({
    field: z
      .string()
      .min(1, "name the field to filter on")
      .max(100)
      .regex(/^[\p{L}\p{N}_.\- ]+$/u, "field names may contain letters, digits, spaces, '_', '-' and '.'"),
    operator: z.enum(METADATA_OPERATORS),
    value: z.union([scalar, z.array(scalar).max(1000)]).optional(),
  })
  .superRefine((condition, context) => {
    const needsList = condition.operator === "in" || condition.operator === "not_in";
    const needsNothing = condition.operator === "empty" || condition.operator === "not_empty";
    if (needsNothing) return;
    if (condition.value === undefined) context.addIssue({ code: "custom", path: ["value"], message: `operator ${condition.operator} needs a value` });
    else if (needsList !== Array.isArray(condition.value)) {
      context.addIssue({ code: "custom", path: ["value"], message: needsList ? `operator ${condition.operator} needs a list of values` : `operator ${condition.operator} needs a single value, not a list` });
    }
  });
export type MetadataCondition = z.infer<typeof metadataConditionSchema>;

export const metadataFilterSchema = z.object({
  logic: z.enum(["and", "or"]).default("and"),
  conditions: z.array(metadataConditionSchema).max(50, "at most 50 conditions"),
});
export type MetadataFilter = z.infer<typeof metadataFilterSchema>;
export type MetadataFilterInput = z.input<typeof metadataFilterSchema>;

/** Effective candidate count per retriever. */
export function candidateCount(settings: Pick<RetrievalSettings, "topK" | "candidates">): number {
  return settings.candidates ?? Math.max(4 * settings.topK, 20);
}
