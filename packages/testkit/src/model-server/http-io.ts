import type { IncomingMessage, ServerResponse } from "node:http";
import { type z, type ZodTypeAny } from "zod";

/** Reads the whole request body as UTF-8 text. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      text += chunk;
    });
    request.once("end", () => resolve(text));
    request.once("error", reject);
  });
}

/** A body parsed as JSON and checked against its schema, or what is wrong with it (a 400 for the client). */
export type ParsedBody<T> = { ok: true; value: T; raw: unknown } | { ok: false; message: string; raw: unknown };

export function parseBody<S extends ZodTypeAny>(text: string, schema: S): ParsedBody<z.output<S>> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `Malformed JSON body: ${error instanceof Error ? error.message : String(error)}`, raw: undefined };
  }
  const result = schema.safeParse(raw);
  // Safe: safeParse of S yields z.output<S>; zod only types `data` as any for a generic S.
  if (result.success) return { ok: true, value: result.data as z.output<S>, raw };
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? "body" : issue.path.join(".");
  return { ok: false, message: `Invalid request: ${where}: ${issue?.message ?? "invalid"}`, raw };
}

/** Sends a JSON body (already serialised, or serialised here) with keep-alive and a content length. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: string | object,
  headers?: Record<string, string>,
): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    connection: "keep-alive",
    ...headers,
  });
  response.end(text);
}

export function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    connection: "keep-alive",
  });
  response.end(text);
}

/** The `retry-after` header an error reply carries: always for a 429 (default 1 s), else when given. */
export function retryAfterHeader(status: number, retryAfterS: number | undefined): Record<string, string> | undefined {
  if (retryAfterS === undefined && status !== 429) return undefined;
  return { "retry-after": String(retryAfterS ?? 1) };
}
