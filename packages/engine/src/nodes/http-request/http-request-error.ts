/**
 * Failures of the http-request node itself; transport failures arrive as OutboundHttpError.
 * `invalid_request`: the config, once variables are filled in, is not a valid request (400-class).
 * `http_error`: the server answered non-2xx and the node is set to fail on that.
 */
export type HttpRequestErrorCode = "invalid_request" | "http_error";

/** Recognised by shape (`isHttpRequestError`), not `instanceof`. */
export class HttpRequestError extends Error {
  override readonly name = "HttpRequestError";
  readonly code: HttpRequestErrorCode;
  /** The response status, for `http_error`. */
  readonly status: number | undefined;

  constructor(code: HttpRequestErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = options.status;
  }
}

export function isHttpRequestError(value: unknown): value is HttpRequestError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { name?: unknown }).name === "HttpRequestError" &&
    typeof (value as { code?: unknown }).code === "string"
  );
}
