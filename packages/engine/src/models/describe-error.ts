/**
 * Reading provider errors by shape: the OpenAI and Anthropic SDKs put the HTTP status on `status`,
 * Ollama's client on `status_code`, and Node's fetch hides the socket error (`ECONNREFUSED`) in
 * `cause`, sometimes inside an AggregateError (one per address tried).
 */

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** The HTTP status a provider answered with, if the error carries one. */
export function httpStatusOf(error: unknown): number | undefined {
  for (const candidate of causeChain(error)) {
    for (const name of ["status", "status_code", "statusCode"]) {
      const status = field(candidate, name);
      if (typeof status === "number" && status >= 100 && status < 600) return status;
    }
    const response = field(candidate, "response");
    const status = field(response, "status");
    if (typeof status === "number") return status;
  }
  return undefined;
}

/** The socket-level code (`ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`…) somewhere in the cause chain. */
export function networkCodeOf(error: unknown): string | undefined {
  for (const candidate of causeChain(error)) {
    const code = field(candidate, "code");
    if (typeof code === "string" && /^E[A-Z_]+$/.test(code)) return code;
  }
  return undefined;
}

/** True for timeouts raised by a client itself (the OpenAI SDK, undici, AbortSignal.timeout). */
export function isTimeoutError(error: unknown): boolean {
  return causeChain(error).some((candidate) => {
    const name = field(candidate, "name");
    const code = field(candidate, "code");
    return name === "TimeoutError" || name === "APIConnectionTimeoutError" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "ETIMEDOUT";
  });
}

/** A one-line message, without the stack, at most 300 characters. */
export function shortMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === "string" ? error : JSON.stringify(error);
  const line = (message ?? "unknown error").split("\n")[0] ?? "unknown error";
  const code = networkCodeOf(error);
  const withCode = code !== undefined && !line.includes(code) ? `${line} (${code})` : line;
  return withCode.length > 300 ? `${withCode.slice(0, 297)}...` : withCode;
}

/** Why a candidate failed, as recorded in `usage.model.fallbacks`. */
export function fallbackReason(error: unknown): string {
  const status = httpStatusOf(error);
  if (status === 429) return "rate limited (429)";
  if (isTimeoutError(error)) return "timeout";
  const message = shortMessage(error);
  if (status === undefined) return `error: ${message}`;
  // The OpenAI SDK starts its messages with the status ("500 the GPU fell over"): said once is enough.
  return `error: HTTP ${status}: ${message.startsWith(`${status} `) ? message.slice(String(status).length + 1) : message}`;
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && chain.length < 10) {
    const next = queue.shift();
    if (next === undefined || next === null || chain.includes(next)) continue;
    chain.push(next);
    queue.push(field(next, "cause"));
    const errors = field(next, "errors");
    if (Array.isArray(errors)) queue.push(...(errors as unknown[]));
  }
  return chain;
}
