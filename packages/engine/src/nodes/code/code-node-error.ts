/**
 * What main returned does not match the declared outputs; the author fixes the code or the
 * declarations (400-class). Failures inside the sandbox arrive as SandboxError.
 */
export type CodeNodeErrorCode = "invalid_output" | "output_missing" | "output_type";

/** Recognised by shape (`isCodeNodeError`), not `instanceof`. */
export class CodeNodeError extends Error {
  override readonly name = "CodeNodeError";
  readonly code: CodeNodeErrorCode;
  /** The declared output at fault, when one is. */
  readonly output: string | undefined;

  constructor(code: CodeNodeErrorCode, message: string, options: { output?: string } = {}) {
    super(message);
    this.code = code;
    this.output = options.output;
  }
}

export function isCodeNodeError(value: unknown): value is CodeNodeError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { name?: unknown }).name === "CodeNodeError" &&
    typeof (value as { code?: unknown }).code === "string"
  );
}
