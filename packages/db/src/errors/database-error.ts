/** Error codes raised by the data layer. */
export type DatabaseErrorCode =
  | "migration_changed"
  | "migration_failed"
  | "migrations_missing"
  | "database_unreachable"
  | "secret_invalid"
  | "config_invalid";

/**
 * The data layer's error. Other packages recognise it by shape (`isDatabaseError`), not `instanceof`,
 * so duplicated module instances (Next bundles, tsx) cannot break the check.
 */
export class DatabaseError extends Error {
  override readonly name = "DatabaseError";
  readonly code: DatabaseErrorCode;

  constructor(code: DatabaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isDatabaseError(value: unknown): value is DatabaseError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { name?: unknown }).name === "DatabaseError" &&
    typeof (value as { code?: unknown }).code === "string"
  );
}
