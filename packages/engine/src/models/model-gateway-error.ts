/**
 * Why the gateway could not answer. `unknown_model`, `private_refused`, `no_candidate` and
 * `unsupported` are the workflow author's or admin's to fix (400-class); `all_failed` describes the
 * providers (every candidate failed: the message lists each reason); `aborted` is a cancellation.
 */
export type ModelGatewayErrorCode = "unknown_model" | "private_refused" | "no_candidate" | "unsupported" | "all_failed" | "aborted";

export interface FailedAttempt {
  model: string;
  reason: string;
}

export class ModelGatewayError extends Error {
  override readonly name = "ModelGatewayError";
  readonly code: ModelGatewayErrorCode;
  /** The candidates tried, in order, with why each failed. */
  readonly attempts: FailedAttempt[];

  constructor(code: ModelGatewayErrorCode, message: string, options?: { cause?: unknown; attempts?: FailedAttempt[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.attempts = options?.attempts ?? [];
  }
}

/** Recognises the gateway's errors by shape, so duplicated module instances cannot break the check. */
export function isModelGatewayError(value: unknown): value is ModelGatewayError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { name?: unknown }).name === "ModelGatewayError" &&
    typeof (value as { code?: unknown }).code === "string"
  );
}
