import type { SqlGuardCode } from "./sql-guard-error.ts";
import type { SqlDialect } from "./tokenize-sql.ts";

/** The codes `guardSql` refuses with; `timeout` and `write_refused` only come from execution. */
export type SqlGuardRefusalCode = Exclude<SqlGuardCode, "timeout" | "write_refused">;

export interface GuardFailure {
  ok: false;
  code: SqlGuardRefusalCode;
  /** What is wrong and what to change, written to be fed back to the model that wrote the SQL. */
  message: string;
}

export const refuse = (code: SqlGuardRefusalCode, message: string): GuardFailure => ({ ok: false, code, message });

export const DIALECT_NAMES: Record<SqlDialect, string> = { postgresql: "PostgreSQL", mysql: "MySQL", sqlite: "SQLite" };
