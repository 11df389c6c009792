import { setTimeout as sleep } from "node:timers/promises";
import { isOutboundHttpError } from "../../adapters/outbound-http-error.ts";
import type { OutboundResponse } from "../../ports/engine-services.ts";
import { defineNode } from "../../runtime/node-implementation.ts";
import { buildHttpRequest } from "./build-http-request.ts";
import { HttpRequestError } from "./http-request-error.ts";
import { httpRequestSchema, type HttpRequestConfig } from "./http-request.schema.ts";

/** The longest wait between attempts, whatever backoff or Retry-After say. */
const MAX_RETRY_WAIT_MS = 60_000;

/**
 * Calls an HTTP API through the engine's guarded HTTP port (SSRF checks, size and time limits).
 * Retries only what a retry can fix: network failures, timeouts, 5xx and 429.
 */
export const httpRequestNode = defineNode(httpRequestSchema, async (config, context) => {
  const built = buildHttpRequest(config, (text) => context.render(text));
  for (let attempt = 0; ; attempt += 1) {
    const canRetry = attempt < config.retries.attempts;
    let response: OutboundResponse;
    try {
      response = await context.services.http.request({
        url: built.url,
        method: built.method,
        headers: built.headers,
        body: built.body,
        timeoutMs: config.timeoutMs,
        signal: context.signal,
        followRedirects: config.followRedirects,
      });
    } catch (error) {
      if (context.signal.aborted || !canRetry || !isRetryableError(error)) throw error;
      await sleep(retryDelay(config, attempt, undefined), undefined, { signal: context.signal });
      continue;
    }
    if (canRetry && isRetryableStatus(response.status)) {
      await sleep(retryDelay(config, attempt, response), undefined, { signal: context.signal });
      continue;
    }
    const body = decodeBody(response);
    const inputs = { ...built.recorded, attempts: attempt + 1 };
    if (config.failOnHttpError && (response.status < 200 || response.status > 299)) {
      throw new HttpRequestError(
        "http_error",
        `${built.method} ${built.recorded.url} answered ${response.status}: ${body.slice(0, 500) || "(empty body)"}. Turn off "fail on HTTP error" to handle this status in the workflow instead.`,
        { status: response.status },
      );
    }
    return {
      outputs: { status_code: response.status, body, headers: response.headers, json: parseJsonBody(response.headers, body) },
      inputs,
    };
  }
});

function isRetryableError(error: unknown): boolean {
  return isOutboundHttpError(error) && (error.code === "network" || error.code === "timeout");
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Exponential backoff; a server's Retry-After (seconds or a date) is honoured when longer. */
function retryDelay(config: HttpRequestConfig, attempt: number, response: OutboundResponse | undefined): number {
  const backoff = config.retries.backoffMs * 2 ** attempt;
  const retryAfter = response?.headers["retry-after"];
  let requested = 0;
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    requested = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
  }
  return Math.min(MAX_RETRY_WAIT_MS, Math.max(backoff, Number.isFinite(requested) ? requested : 0));
}

/** Text in the charset the server names, UTF-8 when it names none or one we do not know. */
function decodeBody(response: OutboundResponse): string {
  const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(response.headers["content-type"] ?? "")?.[1];
  try {
    return new TextDecoder(charset ?? "utf-8").decode(response.body);
  } catch {
    return new TextDecoder("utf-8").decode(response.body);
  }
}

/** The parsed body for JSON responses (application/json, application/problem+json, ...); null otherwise. */
function parseJsonBody(headers: Record<string, string>, body: string): unknown {
  const contentType = (headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!/^[\w.+-]+\/([\w.-]+\+)?json$/.test(contentType)) return null;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return null;
  }
}
