import type { LocalModelRuntime } from "../local-model-runtime.ts";
import { handleChatCompletion } from "./handle-chat-completion.ts";
import { handleCompletion } from "./handle-completion.ts";
import { handleEmbeddings } from "./handle-embeddings.ts";
import { handleModels } from "./handle-models.ts";
import { errorBody, errorResponse, jsonResponse, type OpenAiHttpResponse } from "./openai-response.ts";

export interface OpenAiHttpRequest {
  method: string;
  /** Relative to where the API is mounted: `/v1/chat/completions` or `/chat/completions`; a query string is ignored. */
  path: string;
  /** The parsed JSON body, or its raw text. */
  body?: unknown;
  /** Aborts generation when the client goes away. */
  signal?: AbortSignal;
}

/**
 * An OpenAI-compatible API over the local runtime, free of any HTTP framework so the web app can
 * mount it under a route (`/api/local/v1/...`) and tests can serve it with node:http. Never throws:
 * failures come back in OpenAI's error envelope with a matching status.
 */
export async function handleOpenAiRequest(runtime: LocalModelRuntime, request: OpenAiHttpRequest): Promise<OpenAiHttpResponse> {
  const route = normaliseRoute(request.path);
  const method = request.method.toUpperCase();
  try {
    if (route === "/models" || route.startsWith("/models/")) {
      if (method !== "GET") return methodNotAllowed(method, route, "GET");
      const id = route === "/models" ? undefined : decodeURIComponent(route.slice("/models/".length));
      return await handleModels(runtime, id);
    }
    const handler = postRoutes.get(route);
    if (handler === undefined) {
      return jsonResponse(404, errorBody(404, `Unknown endpoint ${method} /v1${route}.`, "unknown_url"));
    }
    if (method !== "POST") return methodNotAllowed(method, route, "POST");
    return await handler(runtime, request.body, request.signal);
  } catch (error) {
    return errorResponse(error);
  }
}

type PostHandler = (runtime: LocalModelRuntime, body: unknown, signal?: AbortSignal) => Promise<OpenAiHttpResponse>;

const postRoutes = new Map<string, PostHandler>([
  ["/chat/completions", handleChatCompletion],
  ["/completions", handleCompletion],
  ["/embeddings", handleEmbeddings],
]);

function normaliseRoute(path: string): string {
  const withoutQuery = path.split("?", 1)[0] ?? "";
  const trimmed = `/${withoutQuery.replace(/^\/+|\/+$/g, "")}`;
  return trimmed === "/v1" ? "/" : trimmed.startsWith("/v1/") ? trimmed.slice("/v1".length) : trimmed;
}

function methodNotAllowed(method: string, route: string, allowed: string): OpenAiHttpResponse {
  const response = jsonResponse(405, errorBody(405, `${method} is not allowed on /v1${route}; use ${allowed}.`, "method_not_allowed"));
  return { ...response, headers: { ...response.headers, allow: allowed } };
}
