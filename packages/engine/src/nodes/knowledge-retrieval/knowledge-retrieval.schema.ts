import { z } from "zod";
import { METADATA_OPERATORS, metadataConditionSchema, metadataFilterSchema, rerankSchema, retrievalSettingsSchema } from "@tandem/knowledge/retrieval";
import { modelReferenceField } from "../../schema/model-field.ts";
import { defineNodeSchema, type ConfigProblem } from "../../schema/node-schema.ts";
import { selector, templateText } from "../../schema/value-reference.ts";

/**
 * The node's retrieval settings are overrides: a field left out takes the value of the first knowledge
 * base's defaults (mode, topK, threshold, fusion, rerank), so a workflow that overrides nothing follows
 * its knowledge base when that is retuned. `rerank: null` turns reranking off even where the knowledge
 * base reranks. The rerank model is a marked model reference, so a private workflow's cloud rerank model
 * is refused by validation like any other cloud model.
 */
export const retrievalOverridesSchema = retrievalSettingsSchema.partial().extend({
  rerank: z.object({ model: modelReferenceField(), candidates: rerankSchema.shape.candidates }).nullable().optional(),
});
export type RetrievalOverrides = z.infer<typeof retrievalOverridesSchema>;

/** Text values may embed `{{#node.output#}}` (filter by an upstream value); they are rendered at run time. */
const filterScalar = z.union([templateText({ maxLength: 1000 }), z.number(), z.boolean()]);

export const retrievalFilterConditionSchema = z.object({
  field: metadataConditionSchema.innerType().shape.field,
  operator: z.enum(METADATA_OPERATORS),
  value: z.union([filterScalar, z.array(filterScalar).max(1000)]).optional(),
});

/** Knowledge's metadata filter, with values that may be templates. */
export const retrievalFilterSchema = z.object({
  logic: metadataFilterSchema.shape.logic,
  conditions: z.array(retrievalFilterConditionSchema).max(50, "at most 50 conditions"),
});
export type RetrievalFilterConfig = z.infer<typeof retrievalFilterSchema>;

export const DEFAULT_CONTEXT_TOKENS = 4_000;

export const knowledgeRetrievalConfigSchema = z.object({
  /** The question to search for, usually `["start", "query"]` or `["sys", "query"]`. */
  query: selector({ accepts: ["string"] }),
  /** Searched together; their hits are merged (and reranked when a rerank model is set). */
  knowledgeBaseIds: z
    .array(z.string().uuid("pick a knowledge base (its id is a UUID)"))
    .min(1, "choose at least one knowledge base")
    .max(20, "at most 20 knowledge bases"),
  settings: retrievalOverridesSchema.default({}),
  /** Only chunks of documents whose metadata passes this filter are searched. */
  filter: retrievalFilterSchema.optional(),
  /** The most tokens of chunk text the `context` output holds; the best chunks come first, the rest are left out. */
  contextTokens: z.number().int().min(100).max(200_000).default(DEFAULT_CONTEXT_TOKENS),
});
export type KnowledgeRetrievalConfig = z.infer<typeof knowledgeRetrievalConfigSchema>;

/**
 * No knowledge base twice; a filter condition's operator and value must agree (a list for `in`, nothing
 * for `empty`…), by the knowledge package's own rule.
 */
function checkConfig(config: KnowledgeRetrievalConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  config.knowledgeBaseIds.forEach((id, index) => {
    if (seen.has(id)) problems.push({ path: ["knowledgeBaseIds", index], message: "this knowledge base is listed twice" });
    seen.add(id);
  });
  config.filter?.conditions.forEach((condition, index) => {
    const parsed = metadataConditionSchema.safeParse(condition);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      if (issue.path[0] === "value") problems.push({ path: ["filter", "conditions", index, ...issue.path], message: issue.message });
    }
  });
  return problems;
}

export const knowledgeRetrievalSchema = defineNodeSchema({
  type: "knowledge-retrieval",
  version: 1,
  title: "Knowledge Retrieval",
  description: "Search knowledge bases for the question and pass the best chunks on, with citations.",
  category: "knowledge",
  config: knowledgeRetrievalConfigSchema,
  outputs: () => [
    {
      name: "result",
      type: "array[object]",
      description: "The chunks found, best first, in Dify's shape: { content, title, metadata: { position, dataset_id, document_name, score, … } }.",
    },
    { name: "context", type: "string", description: "The best chunks as prompt text, numbered [1], [2] … with their document names, within the token budget." },
    { name: "citations", type: "array[object]", description: "What each [n] in the context refers to: { index, document_id, document_name, segment_id, score, content }." },
  ],
  pure: false,
  check: checkConfig,
});
