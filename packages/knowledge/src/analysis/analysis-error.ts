export const ANALYSIS_ERROR_CODES = ["segmenter_unavailable"] as const;
export type AnalysisErrorCode = (typeof ANALYSIS_ERROR_CODES)[number];

/**
 * Text could not be analyzed for a reason on our side (500-class): the Chinese segmenter's native module
 * or dictionary did not load. The message says what is missing and how to restore it.
 */
export class AnalysisError extends Error {
  override readonly name = "AnalysisError";
  readonly code: AnalysisErrorCode;

  constructor(code: AnalysisErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Type guard that works across package copies (no `instanceof`). */
export function isAnalysisError(value: unknown): value is AnalysisError {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  return (
    candidate.name === "AnalysisError" &&
    typeof candidate.code === "string" &&
    (ANALYSIS_ERROR_CODES as readonly string[]).includes(candidate.code)
  );
}
