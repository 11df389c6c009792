import { createEmbeddings } from "./create-embeddings.ts";
import type { Limiter } from "./create-limiter.ts";
import type { ProviderConfig } from "./provider-config.ts";
import type { LocalModelRuntime } from "../ports/local-model-runtime.ts";

export interface EmbedWithProviderInput {
  provider: ProviderConfig;
  model: string;
  texts: string[];
  signal: AbortSignal;
  /** Texts per request: large documents are embedded in several requests, one after another. */
  batchSize: number;
  limiter: Limiter;
  localRuntime?: LocalModelRuntime;
}

/**
 * Embeds texts in batches through the provider's embeddings endpoint or the embedded runtime. Batches
 * go one at a time (each taking a slot of the endpoint's limiter) so that a big ingestion job leaves
 * room for interactive requests on a small local server.
 */
export async function embedWithProvider(input: EmbedWithProviderInput): Promise<number[][]> {
  const { provider, model, texts, signal, limiter } = input;
  const batchSize = Math.max(1, input.batchSize);
  const embedBatch = batchEmbedder(input);
  const vectors: number[][] = [];
  for (let start = 0; start < texts.length; start += batchSize) {
    signal.throwIfAborted();
    const batch = texts.slice(start, start + batchSize);
    const batchVectors = await limiter.run(() => embedBatch(batch), signal);
    if (batchVectors.length !== batch.length) {
      throw new Error(`${provider.name}:${model} returned ${batchVectors.length} vectors for ${batch.length} texts.`);
    }
    vectors.push(...batchVectors);
  }
  return vectors;
}

function batchEmbedder({ provider, model, signal, batchSize, localRuntime }: EmbedWithProviderInput): (texts: string[]) => Promise<number[][]> {
  if (provider.kind === "local") {
    if (localRuntime === undefined) {
      throw new Error(`Provider "${provider.name}" runs models inside Tandem, but no local runtime is available in this process.`);
    }
    return async (texts) => (await localRuntime.embed({ model, texts, signal })).vectors;
  }
  const embeddings = createEmbeddings(provider, model, { signal, batchSize, timeoutMs: provider.settings.timeoutMs });
  return (texts) => embeddings.embedDocuments(texts);
}
