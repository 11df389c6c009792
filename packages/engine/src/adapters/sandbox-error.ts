/**
 * Why user code failed in the sandbox. All are the workflow author's to fix (400-class): the code
 * took too long, used too much memory, does not parse, threw, or returned something that is not JSON.
 */
export type SandboxErrorCode = "timeout" | "memory" | "syntax" | "runtime" | "invalid_output";

/** The sandbox's error, recognised by shape (`isSandboxError`), not `instanceof`. */
export class SandboxError extends Error {
  override readonly name = "SandboxError";
  readonly code: SandboxErrorCode;
  /** Where the error points in the user's code, when the engine said. */
  readonly line: number | undefined;
  /** What the code printed with console.log before it failed, for debugging. */
  readonly logs: string[];

  constructor(code: SandboxErrorCode, message: string, options: { line?: number; logs?: string[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.line = options.line;
    this.logs = options.logs ?? [];
  }
}

export function isSandboxError(value: unknown): value is SandboxError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { name?: unknown }).name === "SandboxError" &&
    typeof (value as { code?: unknown }).code === "string"
  );
}
