export type QueueErrorCode = "invalid_payload" | "unknown_job" | "queue_closed" | "already_processing" | "config_invalid";

/** The runner's error, recognised by shape (`isQueueError`), not by `instanceof`. */
export class QueueError extends Error {
  override readonly name = "QueueError";
  readonly code: QueueErrorCode;

  constructor(code: QueueErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isQueueError(value: unknown): value is QueueError {
  return typeof value === "object" && value !== null && (value as { name?: unknown }).name === "QueueError";
}
