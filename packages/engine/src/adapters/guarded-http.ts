import type { IncomingHttpHeaders } from "node:http";
import type { OutboundHttp, OutboundRequest, OutboundResponse } from "../ports/engine-services.ts";
import { untilAborted } from "../util/abort-error.ts";
import { openPinnedRequest } from "./open-pinned-request.ts";
import { isOutboundHttpError, OutboundHttpError } from "./outbound-http-error.ts";
import { readResponseBody } from "./read-response-body.ts";
import { createSsrfGuard, type HostResolver } from "./ssrf-guard.ts";

export interface GuardedHttpOptions {
  /** Host or host:port patterns the workspace allows on private addresses, e.g. "localhost:11434", "*.internal.example". */
  allowedHosts?: readonly string[];
  /** Default 10 MiB. */
  maxResponseBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** Replaces `dns.lookup`; for tests and custom DNS. Its answers go through the same checks. */
  resolve?: HostResolver;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that must not follow a redirect to another origin: they would hand credentials to it. */
const CREDENTIAL_HEADERS = new Set(["authorization", "proxy-authorization", "cookie"]);
/** Headers the adapter computes itself; a stale value from the caller would corrupt the request. */
const COMPUTED_HEADERS = new Set(["content-length", "transfer-encoding", "connection", "host"]);

/**
 * The OutboundHttp port on node:http(s), behind the SSRF guard. Each hop of a redirect chain is
 * checked again, and each connection goes to the exact addresses that were checked (no DNS rebinding).
 */
export function createGuardedHttp(options: GuardedHttpOptions = {}): OutboundHttp {
  const guard = createSsrfGuard({ allowedHosts: options.allowedHosts ?? [], resolve: options.resolve });
  const maxResponseBytes = options.maxResponseBytes ?? 10 * 1024 * 1024;
  const maxRedirects = options.maxRedirects ?? 5;

  return {
    async request(request: OutboundRequest): Promise<OutboundResponse> {
      request.signal?.throwIfAborted();
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), request.timeoutMs);
      const signal = request.signal ? AbortSignal.any([deadline.signal, request.signal]) : deadline.signal;
      let url = request.url;
      let method = request.method.toUpperCase();
      let headers = withoutComputedHeaders(request.headers);
      let body = request.body;
      try {
        for (let hop = 0; ; hop += 1) {
          // DNS lookups cannot be cancelled: stop waiting for one when the request is aborted.
          const target = await untilAborted(guard.check(url), signal);
          const sendHeaders = body === undefined ? headers : { ...headers, "content-length": String(byteLength(body)) };
          const response = await openPinnedRequest({ target, method, headers: sendHeaders, body, signal });
          const status = response.statusCode ?? 0;
          const location = response.headers.location;
          if (request.followRedirects === true && REDIRECT_STATUSES.has(status) && location) {
            response.resume();
            if (hop >= maxRedirects) {
              throw new OutboundHttpError(
                "too_many_redirects",
                `${request.url} redirected more than ${maxRedirects} times. Use the final URL directly, or check the server for a redirect loop.`,
              );
            }
            const next = resolveLocation(location, target.url);
            // 303, and 301/302 after a POST, turn into a GET without a body, as browsers and fetch do.
            if (status === 303 || ((status === 301 || status === 302) && method === "POST")) {
              if (method !== "HEAD") method = "GET";
              body = undefined;
              headers = withoutHeaders(headers, (name) => name === "content-type");
            }
            if (next.origin !== target.url.origin) headers = withoutHeaders(headers, (name) => CREDENTIAL_HEADERS.has(name));
            url = next.href;
            continue;
          }
          const bytes = await readResponseBody(response, { maxBytes: maxResponseBytes, method, signal });
          return { status, headers: flattenHeaders(response.headers), body: bytes, url: target.url.href };
        }
      } catch (error) {
        if (isOutboundHttpError(error)) throw error;
        // The caller's own cancellation (run cancelled, node timed out) is theirs to report.
        if (request.signal?.aborted) throw request.signal.reason;
        if (deadline.signal.aborted) {
          throw new OutboundHttpError(
            "timeout",
            `The request to ${originOf(url)} did not finish within ${request.timeoutMs} ms. Raise the timeout, or check that the server is up and answers quickly.`,
            { cause: error },
          );
        }
        throw new OutboundHttpError("network", `The request to ${originOf(url)} failed: ${describeNetworkError(error)}.`, { cause: error });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function resolveLocation(location: string, base: URL): URL {
  try {
    return new URL(location, base);
  } catch (error) {
    throw new OutboundHttpError("invalid_url", `${base.origin} redirected to "${location.slice(0, 200)}", which is not a valid URL.`, { cause: error });
  }
}

function withoutComputedHeaders(headers: Record<string, string>): Record<string, string> {
  return withoutHeaders(headers, (name) => COMPUTED_HEADERS.has(name));
}

function withoutHeaders(headers: Record<string, string>, drop: (lowerCaseName: string) => boolean): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !drop(name.toLowerCase())));
}

function byteLength(body: string | Uint8Array): number {
  return typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
}

/** Lower-case names; repeated headers (set-cookie) joined with ", " as fetch's Headers does. */
function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url.slice(0, 200);
  }
}

const NETWORK_ERROR_TEXT: Record<string, string> = {
  ECONNREFUSED: "the connection was refused; is the server running on that port?",
  ECONNRESET: "the server closed the connection",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  ETIMEDOUT: "connecting timed out",
  EPIPE: "the server closed the connection while the request was sent",
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server uses a self-signed TLS certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's TLS certificate chain is self-signed",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's TLS certificate cannot be verified",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's TLS certificate is for another host name",
  HPE_INVALID_CONSTANT: "the server did not answer with valid HTTP",
};

function describeNetworkError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") return `${NETWORK_ERROR_TEXT[code] ?? (error instanceof Error ? error.message : "unknown error")} (${code})`;
  return error instanceof Error ? error.message : String(error);
}
