/**
 * Why an outbound request failed. `ssrf_blocked` and `invalid_url` are the workflow author's to fix
 * (400-class); `timeout`, `network` and `too_large` describe the remote side; `too_many_redirects` both.
 */
export type OutboundHttpErrorCode = "ssrf_blocked" | "invalid_url" | "timeout" | "too_large" | "network" | "too_many_redirects";

/**
 * The error of the guarded HTTP adapter. Other modules recognise it by shape (`isOutboundHttpError`),
 * not `instanceof`, so duplicated module instances cannot break the check.
 */
export class OutboundHttpError extends Error {
  override readonly name = "OutboundHttpError";
  readonly code: OutboundHttpErrorCode;

  constructor(code: OutboundHttpErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isOutboundHttpError(value: unknown): value is OutboundHttpError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { name?: unknown }).name === "OutboundHttpError" &&
    typeof (value as { code?: unknown }).code === "string"
  );
}
