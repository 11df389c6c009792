/**
 * Errors of data-source connectors. Each carries a string-literal `code` so callers (the runner, the
 * Text2SQL node, the HTTP API) can map it without `instanceof` across packages: use `isSqlError`.
 * `auth_failed`, `connection_failed`, `guard_refused` and `bad_response` are usually the user's to fix
 * (the message says what); `database_error` and `remote_error` carry the database's own message, which a
 * self-correcting Text2SQL loop feeds back to the model.
 */
export const sqlErrorCodes = [
  /** The database or endpoint could not be reached (host, port, database name, TLS, DNS). */
  "connection_failed",
  /** The database or endpoint refused the credentials. */
  "auth_failed",
  /** The statement ran past the source's statement timeout (or the caller's, whichever is shorter). */
  "timeout",
  /** The caller's signal aborted the statement. */
  "cancelled",
  /** The database rejected or failed the statement; `message` is the database's own message. */
  "database_error",
  /** The SQL guard refused the statement before it was sent (not read-only, several statements...). */
  "guard_refused",
  /** An HTTP SQL API answered with an error (by status or by its error path). */
  "remote_error",
  /** An HTTP SQL API answered something that does not match the configured response paths. */
  "bad_response",
  /** The data-source configuration or credentials are invalid. */
  "invalid_config",
  /** The connector was closed. */
  "closed",
] as const;

export type SqlErrorCode = (typeof sqlErrorCodes)[number];

export interface SqlErrorDetails {
  /** The guard's own code when `code` is `guard_refused`. */
  guardCode?: string;
  /** The database's error code (SQLSTATE, MySQL errno, SQLite code) or the endpoint's HTTP status. */
  databaseCode?: string;
  status?: number;
}

export class SqlError extends Error {
  override readonly name = "SqlError";
  readonly code: SqlErrorCode;
  readonly details: SqlErrorDetails;

  constructor(code: SqlErrorCode, message: string, options?: { cause?: unknown; details?: SqlErrorDetails }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options?.details ?? {};
  }
}

/** Type guard that also works when the error crossed a package or realm boundary. */
export function isSqlError(error: unknown): error is SqlError {
  if (typeof error !== "object" || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown }; // Only reads two fields, both checked below.
  return candidate.name === "SqlError" && typeof candidate.code === "string" && (sqlErrorCodes as readonly string[]).includes(candidate.code);
}

/** The cause's message, for error texts. */
export function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
