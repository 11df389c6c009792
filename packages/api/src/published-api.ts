import type { IncomingMessage, ServerResponse } from "node:http";
import { isServiceError, type RateLimitLease } from "@tandem/runner";
import type { ApiRequest, PublishedApiServices } from "./api-request.ts";
import { handleDifyRoute } from "./dify/dify-routes.ts";
import { ApiProblem } from "./http/api-problem.ts";
import { sendJson } from "./http/send.ts";
import { openAiError } from "./openai/openai-error.ts";
import { handleOpenAiRoute } from "./openai/openai-routes.ts";

export interface PublishedApiOptions {
  /** Interval of SSE keep-alive pings; Dify sends one every 10 s. */
  pingMs?: number;
  /** Where unexpected errors are reported (never to the client). */
  logError?: (error: unknown, context: { method: string; path: string }) => void;
}

/** Dify's error envelope for what the runner reports: its code and status, and a message that says what to fix. */
function problemOf(error: unknown): ApiProblem | undefined {
  if (error instanceof ApiProblem) return error;
  if (isServiceError(error)) {
    const code = error.code === "revoked" ? "unauthorized" : error.code === "invalid_input" || error.code === "invalid_workflow" ? "invalid_param" : error.code;
    const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    return new ApiProblem(error.status, code, error.message, typeof retryAfter === "number" ? { "retry-after": String(Math.max(1, Math.ceil(retryAfter))) } : {});
  }
  return undefined;
}

const isOpenAiPath = (path: string) => path === "/v1/chat/completions" || path === "/v1/models" || path.startsWith("/v1/models/");

/**
 * The published API (`/v1`): Dify's service API and OpenAI's chat completions over published apps, plus
 * async runs, stream resume and node traces (docs/adr/0017). Plain node:http, outside Next, so a call
 * costs what the run costs. Returns false for paths it does not serve.
 */
export function createPublishedApi(services: PublishedApiServices, options: PublishedApiOptions = {}) {
  const settings = { pingMs: options.pingMs ?? 10_000 };
  const logError = options.logError ?? ((error, context) => console.error(JSON.stringify({ event: "published-api-error", ...context, error: String(error) })));

  return async function handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const url = new URL(request.url ?? "/", "http://tandem.local");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    if (path !== "/v1" && !path.startsWith("/v1/")) return false;
    const method = (request.method ?? "GET").toUpperCase();
    const openAi = isOpenAiPath(path);
    let lease: RateLimitLease | undefined;
    try {
      if (method === "OPTIONS") {
        response.writeHead(204, { allow: "GET, POST, OPTIONS" });
        response.end();
        return true;
      }
      const authorization = request.headers.authorization;
      if (authorization === undefined || !/^Bearer\s+\S/i.test(authorization)) {
        throw new ApiProblem(401, "unauthorized", "Send the app's API key as `Authorization: Bearer <key>`.");
      }
      const caller = await services.publishing.authenticateApiKey(authorization);
      lease = await services.publishing.rateLimiter.acquire(caller.keyId, caller.limits);
      const held = lease;
      response.once("close", () => held.release());
      const api: ApiRequest = { request, response, method, path, url, caller, services, options: settings };
      const handled = openAi ? await handleOpenAiRoute(api) : await handleDifyRoute(api);
      if (!handled) throw new ApiProblem(404, "not_found", `${method} ${path} is not part of the published API.`);
      return true;
    } catch (error) {
      lease?.release();
      const problem = problemOf(error);
      if (!problem) logError(error, { method, path });
      const status = problem?.status ?? 500;
      const code = problem?.code ?? "internal_server_error";
      const message = problem?.message ?? "The server failed to handle this request; it has been logged.";
      if (response.headersSent) {
        // Mid-stream: HTTP 200 is already sent, so the error is an event.
        if (!response.writableEnded) {
          response.end(openAi ? `data: ${JSON.stringify(openAiError(status, code, message))}\n\n` : `data: ${JSON.stringify({ event: "error", status, code, message })}\n\n`);
        }
        return true;
      }
      if (openAi) sendJson(response, status, openAiError(status, code, message), problem?.headers ?? {});
      else sendJson(response, status, { code, message, status }, problem?.headers ?? {});
      return true;
    }
  };
}

export type PublishedApiHandler = ReturnType<typeof createPublishedApi>;
