import type { SqlDialect } from "./tokenize-sql.ts";

/**
 * Why `guardSql` refused a statement. Every code is the user's (or the model's) mistake to fix: the
 * message says what to change, in words an LLM can act on.
 */
export const SQL_GUARD_REFUSAL_CODES = [
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
] as const;
export type SqlGuardRefusalCode = (typeof SQL_GUARD_REFUSAL_CODES)[number];

export interface GuardFailure {
  ok: false;
  code: SqlGuardRefusalCode;
  /** What is wrong and what to change, written to be fed back to the model that wrote the SQL. */
  message: string;
}

export const refuse = (code: SqlGuardRefusalCode, message: string): GuardFailure => ({ ok: false, code, message });

export const DIALECT_NAMES: Record<SqlDialect, string> = { postgresql: "PostgreSQL", mysql: "MySQL", sqlite: "SQLite" };
