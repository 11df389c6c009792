import { z } from "zod";

/**
 * How Tandem talks to a provider. `openai_compatible` covers OpenAI itself and every server speaking
 * its `/v1` API (llama.cpp, vLLM, LM Studio, LocalAI, Xinference, DeepSeek, DashScope…); `ollama` is
 * Ollama's native `/api`; `local` is the embedded GGUF runtime (no HTTP at all).
 */
export const providerKindSchema = z.enum(["openai_compatible", "ollama", "anthropic", "local"]);
export type ProviderKind = z.infer<typeof providerKindSchema>;

/** What probing a model found (see `probeModel`), cached on the provider per model. */
export const modelCapabilitiesSchema = z.object({
  chat: z.boolean(),
  streaming: z.boolean(),
  tools: z.boolean(),
  json: z.boolean(),
  embeddings: z.boolean(),
  /** Null when the server does not say. */
  contextLength: z.number().int().positive().nullable(),
  /** ISO timestamp. */
  probedAt: z.string(),
});
export type ModelCapabilities = z.infer<typeof modelCapabilitiesSchema>;

export const providerSettingsSchema = z.object({
  /** Models declared for this provider (shown in pickers; others may still be referenced). */
  models: z.array(z.string().min(1)).optional(),
  /** Context length of this provider's models when neither a probe nor the preset knows better. */
  contextLength: z.number().int().positive().optional(),
  /** Requests in flight at once against this endpoint; more wait their turn. */
  maxConcurrency: z.number().int().positive().optional(),
  /** Default per-attempt timeout when the node's selection sets none. */
  timeoutMs: z.number().int().positive().optional(),
});

/**
 * A configured provider as the runner hands it to the gateway: secrets already decrypted. `name` is
 * the prefix of model references (`"ollama"` in `"ollama:qwen2.5:3b"`), so it cannot contain a colon.
 */
export const providerConfigSchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, "a provider name is letters, digits, '_', '.' or '-' (it prefixes model references)")
    .refine((name) => name !== "tier", '"tier" is reserved for model tiers'),
  kind: providerKindSchema,
  /** A key of `providerPresets` (`"ollama"`, `"vllm"`, `"openai"`…): default base URL, models and prices. */
  preset: z.string().optional(),
  baseUrl: z.string().url().optional(),
  apiKey: z.string().optional(),
  /** Runs on the user's own machines: allowed for private workflows, costs nothing. */
  isLocal: z.boolean(),
  settings: providerSettingsSchema.default({}),
  capabilities: z.record(z.string(), modelCapabilitiesSchema).optional(),
});
export type ProviderConfig = z.infer<typeof providerConfigSchema>;
/** What callers may pass (settings may be omitted). */
export type ProviderConfigInput = z.input<typeof providerConfigSchema>;
