import type { Embeddings } from "@langchain/core/embeddings";
import { OllamaEmbeddings } from "@langchain/ollama";
import { OpenAIEmbeddings } from "@langchain/openai";
import { fetchWithSignal } from "./create-chat-model.ts";
import { providerBaseUrl } from "./provider-presets.ts";
import type { ProviderConfig } from "./provider-config.ts";

export interface EmbeddingsOptions {
  timeoutMs?: number;
  /** Cancels every HTTP request of the embeddings client. */
  signal?: AbortSignal;
  /** Texts per request; the gateway batches itself, so this only needs to be at least its batch size. */
  batchSize?: number;
}

/**
 * Builds the LangChain embeddings client of a provider's model (OpenAI-compatible `/v1/embeddings` or
 * Ollama's `/api/embed`), with retries off: the gateway decides what to do with a failure.
 */
export function createEmbeddings(provider: ProviderConfig, model: string, options: EmbeddingsOptions = {}): Embeddings {
  const fetch = options.signal === undefined ? undefined : fetchWithSignal(options.signal);
  switch (provider.kind) {
    case "openai_compatible":
      return new OpenAIEmbeddings({
        model,
        apiKey: provider.apiKey ?? "not-needed",
        configuration: { baseURL: providerBaseUrl(provider), ...(fetch === undefined ? {} : { fetch }) },
        timeout: options.timeoutMs,
        batchSize: options.batchSize ?? 512,
        maxRetries: 0,
        // Older OpenAI-compatible servers (and some local ones) reject base64 encoding.
        encodingFormat: "float",
      });
    case "ollama":
      return new OllamaEmbeddings({
        model,
        baseUrl: providerBaseUrl(provider),
        headers: provider.apiKey === undefined ? undefined : { Authorization: `Bearer ${provider.apiKey}` },
        maxRetries: 0,
        fetch,
      });
    case "anthropic":
      throw new Error(`Provider "${provider.name}" (Anthropic) has no embeddings endpoint: choose an embedding model from another provider.`);
    case "local":
      throw new Error(`Provider "${provider.name}" runs models inside Tandem: the gateway embeds through its local runtime directly.`);
  }
}
