import { z } from "zod";

/**
 * Small JSON requests to model servers (listing models, `/api/show`, `/props`) for probing and
 * discovery, where a LangChain client has nothing to offer. Errors keep the status and URL so that
 * `testProviderConnection` can say what is wrong.
 */
export class ProviderHttpError extends Error {
  override readonly name = "ProviderHttpError";
  readonly status: number;
  readonly url: string;

  constructor(status: number, url: string, body: string) {
    super(`${url} answered HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ""}`);
    this.status = status;
    this.url = url;
  }
}

export interface RequestJsonOptions {
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export async function requestJson(url: string, options: RequestJsonOptions = {}): Promise<unknown> {
  const signals = [AbortSignal.timeout(options.timeoutMs ?? 10_000)];
  if (options.signal !== undefined) signals.push(options.signal);
  const response = await fetch(url, {
    method: options.method ?? "GET",
    headers: { accept: "application/json", ...(options.body === undefined ? {} : { "content-type": "application/json" }), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.any(signals),
    redirect: "error",
  });
  const text = await response.text();
  if (!response.ok) throw new ProviderHttpError(response.status, url, errorMessageOf(text));
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${url} did not answer with JSON: ${text.slice(0, 100)}`, { cause: error });
  }
}

const errorBodySchema = z.object({
  error: z.union([z.string(), z.object({ message: z.string() })]).optional(),
  message: z.string().optional(),
});

/** The `error.message` (OpenAI), `error` (Ollama) or raw text of an error body. */
function errorMessageOf(text: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return text.trim();
  }
  const body = errorBodySchema.safeParse(json);
  if (!body.success) return text.trim();
  const { error, message } = body.data;
  return (typeof error === "string" ? error : error?.message) ?? message ?? text.trim();
}
