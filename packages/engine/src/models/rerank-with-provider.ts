import { z } from "zod";
import type { Limiter } from "./create-limiter.ts";
import type { ProviderConfig } from "./provider-config.ts";
import { providerBaseUrl } from "./provider-presets.ts";
import { requestJson } from "./request-json.ts";

/**
 * The rerank answer shared by llama.cpp's server, vLLM, Jina, Cohere and Text Embeddings Inference
 * behind an OpenAI-compatible base URL: `results[]` of `{ index, relevance_score }` (TEI: `score`).
 */
const rerankResponseSchema = z.object({
  results: z.array(
    z
      .object({ index: z.number().int().min(0), relevance_score: z.number().optional(), score: z.number().optional() })
      .refine((result) => result.relevance_score !== undefined || result.score !== undefined, "each result needs relevance_score"),
  ),
  usage: z.object({ prompt_tokens: z.number().optional(), total_tokens: z.number().optional() }).optional(),
});

export interface RerankWithProviderInput {
  provider: ProviderConfig;
  model: string;
  query: string;
  documents: string[];
  signal: AbortSignal;
  limiter: Limiter;
  timeoutMs?: number | undefined;
}

/**
 * Scores each document's relevance to the query with a cross-encoder served at `<base URL>/rerank`.
 * Only OpenAI-compatible servers have such an endpoint; other providers are refused with a message
 * that says which servers do. Returns one score per document, in the documents' order.
 */
export async function rerankWithProvider(input: RerankWithProviderInput): Promise<{ scores: number[]; tokensIn: number | undefined }> {
  const { provider } = input;
  if (provider.kind !== "openai_compatible") {
    throw new Error(
      `Provider "${provider.name}" (${provider.kind}) has no rerank endpoint. Serve the rerank model from an OpenAI-compatible server with /rerank (llama.cpp server with --reranking, vLLM, Infinity, Jina or Cohere-compatible).`,
    );
  }
  if (input.documents.length === 0) return { scores: [], tokensIn: 0 };
  const url = `${providerBaseUrl(provider)}/rerank`;
  const body = await input.limiter.run(
    () =>
      requestJson(url, {
        method: "POST",
        headers: provider.apiKey === undefined ? {} : { authorization: `Bearer ${provider.apiKey}` },
        body: { model: input.model, query: input.query, documents: input.documents, top_n: input.documents.length, return_documents: false },
        signal: input.signal,
        timeoutMs: input.timeoutMs ?? 60_000,
      }),
    input.signal,
  );
  const parsed = rerankResponseSchema.safeParse(body);
  if (!parsed.success) throw new Error(`${url} did not answer with rerank results: ${parsed.error.issues[0]?.message ?? "unexpected shape"}`);
  const scores: number[] = new Array<number>(input.documents.length).fill(Number.NaN);
  for (const result of parsed.data.results) {
    if (result.index < scores.length) scores[result.index] = result.relevance_score ?? result.score ?? Number.NaN;
  }
  const missing = scores.findIndex((score) => Number.isNaN(score));
  if (missing !== -1) throw new Error(`${url} returned no score for document ${missing} of ${scores.length}.`);
  return { scores, tokensIn: parsed.data.usage?.prompt_tokens ?? parsed.data.usage?.total_tokens };
}
