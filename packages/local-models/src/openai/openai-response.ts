import { isLocalModelError, type LocalModelErrorCode } from "../local-model-error.ts";

/**
 * What `handleOpenAiRequest` answers, free of any HTTP framework: a string body, or for
 * `stream: true` the server-sent events as they are produced (each string one or more whole events).
 */
export interface OpenAiHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string | AsyncIterable<string>;
}

/** OpenAI's error envelope. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; code: string | null; param: string | null };
}

const jsonHeaders = { "content-type": "application/json; charset=utf-8" };

export const sseHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};

export function jsonResponse(status: number, body: unknown): OpenAiHttpResponse {
  return { status, headers: { ...jsonHeaders }, body: JSON.stringify(body) };
}

/** One server-sent event carrying `data` as JSON. */
export function sseEvent(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

export const sseDone = "data: [DONE]\n\n";

const statusByCode = {
  invalid_request: 400,
  context_overflow: 400,
  model_not_found: 404,
  aborted: 499,
  load_failed: 500,
  closed: 503,
} as const satisfies Record<LocalModelErrorCode, number>;

/** OpenAI's names where one exists, so clients recognise them. */
const openAiCodeByCode = {
  invalid_request: "invalid_request",
  context_overflow: "context_length_exceeded",
  model_not_found: "model_not_found",
  aborted: "request_aborted",
  load_failed: "model_load_failed",
  closed: "service_unavailable",
} as const satisfies Record<LocalModelErrorCode, string>;

export function errorBody(status: number, message: string, code: string | null, param: string | null = null): OpenAiErrorBody {
  return { error: { message, type: status >= 500 ? "server_error" : "invalid_request_error", code, param } };
}

/** Maps any error to OpenAI's envelope: the user's mistakes as 4xx with what to fix, ours as 5xx. */
export function errorToOpenAi(error: unknown): { status: number; body: OpenAiErrorBody } {
  if (isLocalModelError(error)) {
    const status = statusByCode[error.code];
    return { status, body: errorBody(status, error.message, openAiCodeByCode[error.code]) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: errorBody(500, `Local model runtime failed: ${message}`, "internal_error") };
}

export function errorResponse(error: unknown): OpenAiHttpResponse {
  const { status, body } = errorToOpenAi(error);
  return jsonResponse(status, body);
}
