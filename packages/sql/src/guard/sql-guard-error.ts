/**
 * Why the guard refused a statement, or why a guarded execution stopped. Every code is the user's (or the
 * model's) mistake to fix, 400-class: the message says what to change, in words an LLM can act on.
 * `timeout` and `write_refused` come from execution: the statement ran too long, or the read-only
 * connection refused a write the guard should have caught (defence in depth; report it as a bug too).
 */
export const SQL_GUARD_CODES = [
  "empty",
  "too_long",
  "invalid_character",
  "parse_error",
  "not_single_statement",
  "not_select",
  "select_into",
  "locking_clause",
  "forbidden_function",
  "forbidden_table",
  "forbidden_syntax",
  "timeout",
  "write_refused",
] as const;
export type SqlGuardCode = (typeof SQL_GUARD_CODES)[number];

/** A statement refused by the guard or stopped by the read-only session. */
export class SqlGuardError extends Error {
  override readonly name = "SqlGuardError";
  readonly code: SqlGuardCode;

  constructor(code: SqlGuardCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Type guard that works across package copies (no `instanceof`). */
export function isSqlGuardError(value: unknown): value is SqlGuardError {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  return (
    candidate.name === "SqlGuardError" &&
    typeof candidate.code === "string" &&
    (SQL_GUARD_CODES as readonly string[]).includes(candidate.code)
  );
}
