import http from "node:http";
import https from "node:https";

/**
 * The `fetch` the model clients (OpenAI, Ollama, Anthropic SDKs) get: node:http with keep-alive
 * connections instead of Node's built-in fetch (undici). Measured on a published-API call of
 * start → llm → end against a local server, undici's fetch cost about 0.6 ms more per model call
 * (CPU and latency) than this; with local models answering in milliseconds, that is Tandem's own
 * overhead and worth removing (ADR 0019).
 *
 * It does what the SDKs use: string or byte bodies, headers, an abort signal, redirects, the status and
 * headers of the response, and its body whole (JSON) or streamed (`text/event-stream`, NDJSON). Anything else
 * (other body types) goes to the built-in fetch. Connection errors reject like undici's, a TypeError
 * "fetch failed" with the socket error (`ECONNREFUSED`, …) as its cause, so they read the same.
 */
export function createModelFetch(): typeof globalThis.fetch {
  // Nagle off: a request and its answer are small writes that should leave at once.
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256, noDelay: true });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256, noDelay: true });

  const send = (input: Parameters<typeof globalThis.fetch>[0], init: RequestInit | undefined, redirects: number): Promise<Response> => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const body = init?.body;
    const sendable = body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array || body instanceof ArrayBuffer;
    if ((url.protocol !== "http:" && url.protocol !== "https:") || !sendable || (typeof input === "object" && !(input instanceof URL))) {
      return globalThis.fetch(input, init);
    }
    const signal = init?.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((value, name) => {
        headers[name] = value;
      });
      const payload = body === undefined || body === null ? undefined : typeof body === "string" ? body : body instanceof ArrayBuffer ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
      const secure = url.protocol === "https:";
      const request = (secure ? https : http).request(url, { method: init?.method ?? "GET", headers, agent: secure ? httpsAgent : httpAgent }, (response) => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          if (typeof value === "string") responseHeaders.set(name, value);
          else if (Array.isArray(value)) for (const item of value) responseHeaders.append(name, item);
        }
        const status = response.statusCode ?? 502;
        const location = response.headers.location;
        if (REDIRECTS.has(status) && location !== undefined && init?.redirect !== "manual") {
          // Followed as fetch does: 307/308 keep the method and body, the others become a GET.
          response.resume();
          if (redirects >= MAX_REDIRECTS) {
            reject(new TypeError("fetch failed", { cause: new Error(`more than ${MAX_REDIRECTS} redirects`) }));
            return;
          }
          const keep = status === 307 || status === 308;
          resolve(send(new URL(location, url), keep ? init : { ...init, method: "GET", body: null }, redirects + 1));
          return;
        }
        const responseInit = { status, statusText: response.statusMessage ?? "", headers: responseHeaders };
        const nullBody = status === 204 || status === 304 || responseHeaders.get("content-length") === "0";
        const type = responseHeaders.get("content-type") ?? "";
        if (nullBody) {
          response.resume();
          resolve(new Response(null, responseInit));
          return;
        }
        if (type.includes("text/event-stream") || type.includes("ndjson") || type.includes("x-ndjson")) {
          // Streamed: chunks go to the reader as they arrive.
          const stream = new ReadableStream<Uint8Array>({
            start(controller) {
              response.on("data", (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
              response.once("end", () => controller.close());
              response.once("error", (error) => controller.error(error));
            },
            cancel() {
              response.destroy();
            },
          });
          resolve(new Response(stream, responseInit));
          return;
        }
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.once("end", () => resolve(new Response(Buffer.concat(chunks), responseInit)));
        response.once("error", (error) => reject(new TypeError("fetch failed", { cause: error })));
      });
      const onAbort = () => {
        request.destroy();
        reject(abortReason(signal));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      request.once("close", () => signal?.removeEventListener("abort", onAbort));
      request.once("error", (error) => reject(signal?.aborted ? abortReason(signal) : new TypeError("fetch failed", { cause: error })));
      request.end(payload);
    });
  };
  return (input, init) => send(input, init, 0);
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** What an aborted fetch rejects with: the signal's reason when it is an error, as undici does, or an AbortError. */
function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException("This operation was aborted", "AbortError");
}
