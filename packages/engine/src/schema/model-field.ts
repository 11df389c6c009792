import { z } from "zod";

export const routingPolicySchema = z.enum(["local-only", "local-first", "cloud-first"]);

const MODEL_REFERENCE = /^(tier:[A-Za-z0-9_-]+|[A-Za-z0-9_.-]+:.+)$/;

export const modelSelectionSchema = z.object({
  /** `"provider:model"` or `"tier:name"`. */
  model: z.string().regex(MODEL_REFERENCE, 'name a model as "provider:model" (e.g. "ollama:qwen2.5:3b") or a tier ("tier:fast")'),
  policy: routingPolicySchema.default("local-first"),
  fallbacks: z.array(z.string().regex(MODEL_REFERENCE, 'fallbacks are "provider:model" or "tier:name"')).max(5).default([]),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().min(1).max(1_000_000).optional(),
  topP: z.number().min(0).max(1).optional(),
  timeoutMs: z.number().int().min(1000).max(600_000).optional(),
});
export type ModelSelectionConfig = z.infer<typeof modelSelectionSchema>;

const modelFields = new WeakSet<z.ZodTypeAny>();

/**
 * A node config field choosing a model. Marked so validation finds every model a workflow uses (the
 * privacy check) and the editor shows its model picker, without each node listing them.
 */
export function modelField(): typeof modelSelectionSchema {
  const schema = modelSelectionSchema.describe("tandem:model");
  modelFields.add(schema);
  return schema;
}

export function isModelField(schema: z.ZodTypeAny): boolean {
  return modelFields.has(schema);
}

const modelReferenceFields = new WeakSet<z.ZodTypeAny>();

/**
 * A config field naming one model by reference alone, without routing policy or fallbacks (the rerank
 * model of a knowledge-retrieval node). Marked like `modelField`, so the privacy check and the editor's
 * model picker find it too.
 */
export function modelReferenceField(): z.ZodString {
  const schema = z.string().regex(MODEL_REFERENCE, 'name a model as "provider:model" (e.g. "ollama:bge-reranker") or a tier ("tier:rerank")').describe("tandem:model-reference");
  modelReferenceFields.add(schema);
  return schema;
}

export function isModelReferenceField(schema: z.ZodTypeAny): boolean {
  return modelReferenceFields.has(schema);
}
