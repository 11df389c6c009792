/**
 * Errors of the embedded runtime. Each carries a string-literal `code` so callers (the model gateway,
 * the OpenAI-compatible layer) can map it without `instanceof` across packages: use `isLocalModelError`.
 */
export const localModelErrorCodes = [
  /** No GGUF file with that id in the models folder. The user's mistake: the message lists what is there. */
  "model_not_found",
  /** The file exists but llama.cpp could not load it (corrupt file, unsupported architecture, no memory). */
  "load_failed",
  /** The caller's signal aborted the request, while it waited in the queue or while it generated. */
  "aborted",
  /** The prompt (or an embedding input) does not fit in the model's context window. */
  "context_overflow",
  /** The request itself is malformed (empty messages, bad numbers). */
  "invalid_request",
  /** The runtime was closed. */
  "closed",
] as const;

export type LocalModelErrorCode = (typeof localModelErrorCodes)[number];

export class LocalModelError extends Error {
  override readonly name = "LocalModelError";
  readonly code: LocalModelErrorCode;

  constructor(code: LocalModelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Type guard that also works when the error crossed a package or realm boundary. */
export function isLocalModelError(error: unknown): error is LocalModelError {
  if (typeof error !== "object" || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown }; // Only reads two fields, both checked below.
  return (
    candidate.name === "LocalModelError" &&
    typeof candidate.code === "string" &&
    (localModelErrorCodes as readonly string[]).includes(candidate.code)
  );
}
