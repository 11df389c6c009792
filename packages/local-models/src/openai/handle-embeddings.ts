import { LocalModelError } from "../local-model-error.ts";
import type { LocalModelRuntime } from "../local-model-runtime.ts";
import { jsonResponse, type OpenAiHttpResponse } from "./openai-response.ts";
import { embeddingRequestSchema } from "./openai-schemas.ts";
import { parseOpenAiBody } from "./parse-openai-body.ts";

/**
 * `POST /v1/embeddings`. Supports `encoding_format: "base64"` (little-endian float32), which the
 * official SDK asks for by default.
 */
export async function handleEmbeddings(runtime: LocalModelRuntime, body: unknown, signal?: AbortSignal): Promise<OpenAiHttpResponse> {
  const request = parseOpenAiBody(embeddingRequestSchema, body);
  const texts = typeof request.input === "string" ? [request.input] : request.input;
  const result = await runtime.embed({ model: request.model, texts, ...(signal !== undefined && { signal }) });
  const size = result.vectors[0]?.length ?? 0;
  if (request.dimensions !== undefined && request.dimensions !== size) {
    throw new LocalModelError("invalid_request", `Model "${request.model}" makes ${size}-dimensional embeddings; dimensions ${request.dimensions} is not available.`);
  }
  const base64 = request.encoding_format === "base64";
  return jsonResponse(200, {
    object: "list",
    model: request.model,
    data: result.vectors.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector,
    })),
    usage: { prompt_tokens: result.usage.tokensIn, total_tokens: result.usage.tokensIn },
  });
}
