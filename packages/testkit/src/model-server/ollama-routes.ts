import type { IncomingMessage, ServerResponse } from "node:http";
import { hashingEmbedding } from "./hashing-embeddings.ts";
import { parseBody, readBody, retryAfterHeader, sendJson } from "./http-io.ts";
import { createModelRequest, type ChatMessage, type ModelRequest } from "./model-request.ts";
import { ollamaErrorBody, ollamaReplyBody, ollamaReplyStream, type OllamaGenerationKind } from "./ollama-format.ts";
import {
  asksForJson,
  maxTokensOf,
  ollamaChatBodySchema,
  ollamaEmbedBodySchema,
  ollamaGenerateBodySchema,
  ollamaLegacyEmbeddingsBodySchema,
  ollamaShowBodySchema,
  toOllamaChatMessages,
} from "./ollama-schemas.ts";
import { type ResponsePlan } from "./plan-response.ts";
import { prepareResponse } from "./prepare-response.ts";
import type { ServerContext } from "./server-context.ts";
import { toToolSpecs } from "./tool-definitions.ts";
import { countWords } from "./tokens.ts";
import { writeStream } from "./write-stream.ts";

/** The version `/api/version` reports: recent enough for tools, structured outputs and `/api/embed`. */
const ollamaVersion = "0.12.6";

function sendError(response: ServerResponse, plan: Extract<ResponsePlan, { kind: "error" }>): void {
  sendJson(response, plan.status, ollamaErrorBody(plan.message), retryAfterHeader(plan.status, plan.retryAfterS));
}

/** Answers a chat or generate request, streaming by default as Ollama does. */
async function answer(
  context: ServerContext,
  response: ServerResponse,
  kind: OllamaGenerationKind,
  modelRequest: ModelRequest,
): Promise<void> {
  const plan = await prepareResponse(context, modelRequest, response);
  if (plan === undefined) return;
  if (plan.kind === "error") return sendError(response, plan);
  if (!modelRequest.stream) {
    return sendJson(response, 200, ollamaReplyBody(kind, modelRequest.model, plan, modelRequest.receivedAt));
  }
  const stream = ollamaReplyStream(kind, modelRequest.model, plan, modelRequest.receivedAt);
  await writeStream(response, context.pauses, stream, plan.tokensPerSecond);
}

async function chat(context: ServerContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const receivedAt = Date.now();
  const parsed = parseBody(await readBody(request), ollamaChatBodySchema);
  if (!parsed.ok) return sendJson(response, 400, ollamaErrorBody(parsed.message));
  const body = parsed.value;
  const modelRequest = createModelRequest({
    protocol: "ollama",
    endpoint: "chat",
    path: "/api/chat",
    model: body.model,
    messages: toOllamaChatMessages(body.messages),
    tools: toToolSpecs(body.tools),
    stream: body.stream !== false,
    json: asksForJson(body.format),
    maxTokens: maxTokensOf(body.options),
    body: parsed.raw,
    receivedAt,
  });
  await answer(context, response, "chat", modelRequest);
}

async function generate(context: ServerContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const receivedAt = Date.now();
  const parsed = parseBody(await readBody(request), ollamaGenerateBodySchema);
  if (!parsed.ok) return sendJson(response, 400, ollamaErrorBody(parsed.message));
  const body = parsed.value;
  const messages: ChatMessage[] = [{ role: "user", content: body.prompt }];
  if (body.system) messages.unshift({ role: "system", content: body.system });
  const modelRequest = createModelRequest({
    protocol: "ollama",
    endpoint: "completions",
    path: "/api/generate",
    model: body.model,
    messages,
    stream: body.stream !== false,
    json: asksForJson(body.format),
    maxTokens: maxTokensOf(body.options),
    body: parsed.raw,
    receivedAt,
  });
  await answer(context, response, "generate", modelRequest);
}

/** `/api/embed` (inputs, many vectors) and the older `/api/embeddings` (one prompt, one vector). */
async function embed(context: ServerContext, request: IncomingMessage, response: ServerResponse, legacy: boolean): Promise<void> {
  const receivedAt = Date.now();
  const text = await readBody(request);
  let model: string;
  let inputs: string[];
  let raw: unknown;
  if (legacy) {
    const parsed = parseBody(text, ollamaLegacyEmbeddingsBodySchema);
    if (!parsed.ok) return sendJson(response, 400, ollamaErrorBody(parsed.message));
    model = parsed.value.model;
    raw = parsed.raw;
    inputs = [parsed.value.prompt];
  } else {
    const parsed = parseBody(text, ollamaEmbedBodySchema);
    if (!parsed.ok) return sendJson(response, 400, ollamaErrorBody(parsed.message));
    model = parsed.value.model;
    raw = parsed.raw;
    inputs = typeof parsed.value.input === "string" ? [parsed.value.input] : parsed.value.input;
  }
  const modelRequest = createModelRequest({
    protocol: "ollama",
    endpoint: "embeddings",
    path: legacy ? "/api/embeddings" : "/api/embed",
    model,
    messages: inputs.map((input) => ({ role: "user", content: input })),
    prompt: inputs.join("\n"),
    stream: false,
    json: false,
    body: raw,
    receivedAt,
  });
  const plan = await prepareResponse(context, modelRequest, response);
  if (plan === undefined) return;
  if (plan.kind === "error") return sendError(response, plan);
  const embeddings = inputs.map((input) => hashingEmbedding(input, context.embeddingDimensions));
  if (legacy) return sendJson(response, 200, { embedding: embeddings[0] });
  const promptTokens = inputs.reduce((sum, input) => sum + countWords(input), 0);
  const totalNs = Math.max(1_000, (Date.now() - receivedAt) * 1e6);
  sendJson(response, 200, { model, embeddings, total_duration: totalNs, load_duration: 0, prompt_eval_count: promptTokens });
}

async function show(context: ServerContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const parsed = parseBody(await readBody(request), ollamaShowBodySchema);
  if (!parsed.ok) return sendJson(response, 400, ollamaErrorBody(parsed.message));
  const requested = parsed.value.model ?? parsed.value.name ?? "";
  const name = context.catalog.resolve(requested);
  if (name === undefined) return sendJson(response, 404, ollamaErrorBody(`model '${requested}' not found`));
  sendJson(response, 200, context.catalog.ollamaShowBody(name));
}

/** Routes `/api/*`: Ollama's native API. */
export async function handleOllamaRequest(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
): Promise<void> {
  const method = request.method ?? "GET";
  if (method === "POST" && path === "/api/chat") return chat(context, request, response);
  if (method === "POST" && path === "/api/generate") return generate(context, request, response);
  if (method === "POST" && path === "/api/embed") return embed(context, request, response, false);
  if (method === "POST" && path === "/api/embeddings") return embed(context, request, response, true);
  if (method === "POST" && path === "/api/show") return show(context, request, response);
  if (method === "GET" && path === "/api/tags") return sendJson(response, 200, context.catalog.ollamaTagsBody);
  if (method === "GET" && path === "/api/version") return sendJson(response, 200, { version: ollamaVersion });
  sendJson(response, 404, ollamaErrorBody(`Unknown endpoint: ${method} ${path}`));
}
