export const DOCUMENT_PARSE_ERROR_CODES = ["unsupported_format", "empty_document", "corrupt_document", "too_large"] as const;
export type DocumentParseErrorCode = (typeof DOCUMENT_PARSE_ERROR_CODES)[number];

/**
 * A document the user uploaded could not be turned into text. Always the user's problem to fix
 * (400-class); the message names the file, what is wrong and what to do.
 */
export class DocumentParseError extends Error {
  override readonly name = "DocumentParseError";
  readonly code: DocumentParseErrorCode;

  constructor(code: DocumentParseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Type guard that works across package copies (no `instanceof`). */
export function isDocumentParseError(value: unknown): value is DocumentParseError {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  return (
    candidate.name === "DocumentParseError" &&
    typeof candidate.code === "string" &&
    (DOCUMENT_PARSE_ERROR_CODES as readonly string[]).includes(candidate.code)
  );
}

/** The cause's message, for error texts. */
export function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
