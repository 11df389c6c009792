import { type ColumnFamily, type SqlDialect } from "../column-family.ts";
import { type DatabaseSchema } from "../introspection/database-schema.ts";
import { type IntrospectOptions } from "../introspection/introspect-schema.ts";
import { type SqlErrorCode } from "../sql-error.ts";
import { type DataSourceKind } from "../sources/data-source-config.ts";

export interface ResultColumn {
  name: string;
  /** The family of the values: what a table, a chart or a model needs to know. */
  type: ColumnFamily;
  /** The driver's own type name where it has one (`int4`, `DECIMAL`, `DATETIME`). */
  databaseType?: string;
}

export interface QueryResult {
  columns: ResultColumn[];
  /** Rows as arrays in column order, JSON-safe (see `normalizeValue`). */
  rows: unknown[][];
  /** True when the statement had more rows than the cap and the rest were cut. */
  truncated: boolean;
  elapsedMs: number;
  /** The statement as it ran, after the guard (which may have added a LIMIT). */
  sql: string;
}

export interface ExecuteOptions {
  /** Rows to return at most; the source's row cap wins if it is lower. */
  maxRows?: number;
  /** Time limit in ms; the source's statement timeout wins if it is lower. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type ConnectionTestResult =
  | { ok: true; elapsedMs: number; serverVersion?: string }
  | { ok: false; code: SqlErrorCode; message: string };

/**
 * One data source, whatever its kind. Every statement from outside goes through `execute`, which guards
 * it (read-only, one statement, a row limit) before anything reaches the database, applies the source's
 * limits and concurrency cap, and throws `SqlError`s with codes.
 */
export interface SqlConnector {
  readonly kind: DataSourceKind;
  readonly dialect: SqlDialect;
  /** Connects and runs a trivial statement; never throws for a connection problem, it reports it. */
  testConnection(options?: { timeoutMs?: number }): Promise<ConnectionTestResult>;
  introspect(options?: IntrospectOptions): Promise<DatabaseSchema>;
  execute(sql: string, options?: ExecuteOptions): Promise<QueryResult>;
  /** Closes pools and workers; later calls fail with `closed`. */
  close(): Promise<void>;
}
