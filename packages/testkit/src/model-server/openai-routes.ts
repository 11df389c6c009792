import type { IncomingMessage, ServerResponse } from "node:http";
import { embeddingToBase64, hashingEmbedding } from "./hashing-embeddings.ts";
import { parseBody, readBody, retryAfterHeader, sendJson } from "./http-io.ts";
import { createModelRequest, type ModelRequest } from "./model-request.ts";
import {
  chatCompletionBody,
  chatCompletionStream,
  openAiErrorBody,
  textCompletionBody,
  textCompletionStream,
  type ResponseIdentity,
} from "./openai-format.ts";
import { chatCompletionBodySchema, completionBodySchema, embeddingBodySchema, rerankBodySchema, toChatMessages } from "./openai-schemas.ts";
import { type ResponsePlan } from "./plan-response.ts";
import { prepareResponse } from "./prepare-response.ts";
import type { ServerContext } from "./server-context.ts";
import { toToolSpecs } from "./tool-definitions.ts";
import { countWords } from "./tokens.ts";
import { writeStream } from "./write-stream.ts";

function sendError(response: ServerResponse, plan: Extract<ResponsePlan, { kind: "error" }>): void {
  sendJson(response, plan.status, openAiErrorBody(plan.status, plan.message, plan.code), retryAfterHeader(plan.status, plan.retryAfterS));
}

function sendBadRequest(response: ServerResponse, message: string): void {
  sendJson(response, 400, openAiErrorBody(400, message, "invalid_request"));
}

function identityFor(context: ServerContext, prefix: string, model: string): ResponseIdentity {
  return { id: `${prefix}-scripted-${context.nextId()}`, created: Math.floor(Date.now() / 1000), model };
}

async function chatCompletions(context: ServerContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const receivedAt = Date.now();
  const parsed = parseBody(await readBody(request), chatCompletionBodySchema);
  if (!parsed.ok) return sendBadRequest(response, parsed.message);
  const body = parsed.value;
  const format = body.response_format?.type;
  const modelRequest = createModelRequest({
    protocol: "openai",
    endpoint: "chat",
    path: "/v1/chat/completions",
    model: body.model,
    messages: toChatMessages(body.messages),
    tools: toToolSpecs(body.tools),
    stream: body.stream === true,
    json: format === "json_object" || format === "json_schema",
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    body: parsed.raw,
    receivedAt,
  });
  const plan = await prepareResponse(context, modelRequest, response);
  if (plan === undefined) return;
  if (plan.kind === "error") return sendError(response, plan);
  const identity = identityFor(context, "chatcmpl", body.model);
  if (!modelRequest.stream) return sendJson(response, 200, chatCompletionBody(identity, plan));
  const includeUsage = body.stream_options?.include_usage === true;
  await writeStream(response, context.pauses, chatCompletionStream(identity, plan, includeUsage), plan.tokensPerSecond);
}

async function completions(context: ServerContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const receivedAt = Date.now();
  const parsed = parseBody(await readBody(request), completionBodySchema);
  if (!parsed.ok) return sendBadRequest(response, parsed.message);
  const body = parsed.value;
  const prompt = typeof body.prompt === "string" ? body.prompt : body.prompt.join("\n");
  const modelRequest = createModelRequest({
    protocol: "openai",
    endpoint: "completions",
    path: "/v1/completions",
    model: body.model,
    messages: [{ role: "user", content: prompt }],
    stream: body.stream === true,
    json: false,
    maxTokens: body.max_tokens ?? undefined,
    body: parsed.raw,
    receivedAt,
  });
  const plan = await prepareResponse(context, modelRequest, response);
  if (plan === undefined) return;
  if (plan.kind === "error") return sendError(response, plan);
  const identity = identityFor(context, "cmpl", body.model);
  if (!modelRequest.stream) return sendJson(response, 200, textCompletionBody(identity, plan));
  const includeUsage = body.stream_options?.include_usage === true;
  await writeStream(response, context.pauses, textCompletionStream(identity, plan, includeUsage), plan.tokensPerSecond);
}

async function embeddings(context: ServerContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const receivedAt = Date.now();
  const parsed = parseBody(await readBody(request), embeddingBodySchema);
  if (!parsed.ok) return sendBadRequest(response, parsed.message);
  const body = parsed.value;
  const inputs = typeof body.input === "string" ? [body.input] : body.input;
  const modelRequest: ModelRequest = createModelRequest({
    protocol: "openai",
    endpoint: "embeddings",
    path: "/v1/embeddings",
    model: body.model,
    messages: inputs.map((input) => ({ role: "user", content: input })),
    prompt: inputs.join("\n"),
    stream: false,
    json: false,
    body: parsed.raw,
    receivedAt,
  });
  const plan = await prepareResponse(context, modelRequest, response);
  if (plan === undefined) return;
  if (plan.kind === "error") return sendError(response, plan);
  const base64 = body.encoding_format === "base64";
  let promptTokens = 0;
  const data = inputs.map((input, index) => {
    promptTokens += countWords(input);
    const vector = hashingEmbedding(input, context.embeddingDimensions);
    return { object: "embedding", index, embedding: base64 ? embeddingToBase64(vector) : vector };
  });
  sendJson(response, 200, {
    object: "list",
    data,
    model: body.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}

/**
 * A deterministic stand-in for a cross-encoder: the share of the query's distinct words found in the
 * document, plus a small bonus for each repeat, so that ranking is meaningful and testable.
 */
export function overlapRelevance(query: string, document: string): number {
  const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const queryWords = new Set(words(query));
  if (queryWords.size === 0) return 0;
  const counts = new Map<string, number>();
  for (const word of words(document)) counts.set(word, (counts.get(word) ?? 0) + 1);
  let score = 0;
  for (const word of queryWords) {
    const count = counts.get(word) ?? 0;
    if (count > 0) score += 1 + Math.min(count - 1, 4) * 0.05;
  }
  return score / (queryWords.size * 1.2);
}

async function rerank(context: ServerContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const receivedAt = Date.now();
  const parsed = parseBody(await readBody(request), rerankBodySchema);
  if (!parsed.ok) return sendBadRequest(response, parsed.message);
  const body = parsed.value;
  const documents = body.documents.map((document) => (typeof document === "string" ? document : document.text));
  const modelRequest: ModelRequest = createModelRequest({
    protocol: "openai",
    endpoint: "rerank",
    path: "/v1/rerank",
    model: body.model,
    messages: [{ role: "user", content: body.query }],
    prompt: body.query,
    stream: false,
    json: false,
    body: parsed.raw,
    receivedAt,
  });
  const plan = await prepareResponse(context, modelRequest, response);
  if (plan === undefined) return;
  if (plan.kind === "error") return sendError(response, plan);
  const results = documents
    .map((document, index) => ({ index, relevance_score: overlapRelevance(body.query, document) }))
    .sort((left, right) => right.relevance_score - left.relevance_score || left.index - right.index)
    .slice(0, body.top_n ?? documents.length);
  const promptTokens = documents.reduce((sum, document) => sum + countWords(document) + countWords(body.query), 0);
  sendJson(response, 200, { model: body.model, results, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } });
}

/** Routes `/v1/*`: the OpenAI API (and the OpenAI-compatible API of Ollama, vLLM, llama.cpp and LM Studio). */
export async function handleOpenAiRequest(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
): Promise<void> {
  const method = request.method ?? "GET";
  if (method === "POST" && path === "/v1/chat/completions") return chatCompletions(context, request, response);
  if (method === "POST" && path === "/v1/embeddings") return embeddings(context, request, response);
  if (method === "POST" && path === "/v1/completions") return completions(context, request, response);
  if (method === "POST" && (path === "/v1/rerank" || path === "/rerank")) return rerank(context, request, response);
  if (method === "GET" && path === "/v1/models") return sendJson(response, 200, context.catalog.openAiModelsBody);
  if (method === "GET" && path.startsWith("/v1/models/")) {
    const name = context.catalog.resolve(decodeURIComponent(path.slice("/v1/models/".length)));
    if (name !== undefined) return sendJson(response, 200, context.catalog.openAiModelBody(name));
    return sendJson(response, 404, openAiErrorBody(404, `The model '${path.slice(11)}' does not exist.`, "model_not_found"));
  }
  sendJson(response, 404, openAiErrorBody(404, `Unknown endpoint: ${method} ${path}`, "unknown_url"));
}
