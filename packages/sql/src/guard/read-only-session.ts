import { z } from "zod";
import { SqlGuardError } from "./sql-guard-error.ts";

/**
 * How guarded SQL is executed: in a transaction the server itself holds read-only, under a statement
 * timeout, always rolled back. This is the layer that still holds if the guard lets a write through.
 * Connectors give their client (pg's Client or PoolClient, a mysql2/promise Connection) to the helpers
 * below; SQLite has its own executor (run-sqlite-read-only.ts).
 */
export interface SqlSessionClient {
  query(sql: string): Promise<unknown>;
}

export interface ReadOnlySessionOptions {
  /** Longest a statement may run, in milliseconds; also bounds lock waits. */
  timeoutMs: number;
}

const timeoutSchema = z.number().int().min(1).max(2_147_483_647);

/** Statements around a guarded PostgreSQL query. SET LOCAL ends with the transaction, so a pooled connection comes back unchanged. */
export function postgresReadOnlyStatements(options: ReadOnlySessionOptions): { begin: string[]; end: string } {
  const timeoutMs = timeoutSchema.parse(options.timeoutMs);
  return {
    begin: [
      "BEGIN TRANSACTION READ ONLY",
      `SET LOCAL statement_timeout = ${timeoutMs}`,
      `SET LOCAL lock_timeout = ${timeoutMs}`,
      `SET LOCAL idle_in_transaction_session_timeout = ${Math.max(timeoutMs * 2, 1000)}`,
    ],
    end: "ROLLBACK",
  };
}

export type MysqlFlavor = "mysql" | "mariadb";

/** MariaDB reports versions like "10.11.6-MariaDB-0+deb12u1"; everything else is taken as MySQL. */
export function detectMysqlFlavor(version: string): MysqlFlavor {
  return /mariadb/i.test(version) ? "mariadb" : "mysql";
}

/**
 * Statements around a guarded MySQL or MariaDB query. The time limit is a session variable with a
 * different name and unit per server (MariaDB: max_statement_time in seconds; MySQL: max_execution_time in
 * milliseconds, which applies to SELECT only); `end` rolls back and restores the server defaults.
 */
export function mysqlReadOnlyStatements(options: ReadOnlySessionOptions & { flavor: MysqlFlavor }): { begin: string[]; end: string[] } {
  const timeoutMs = timeoutSchema.parse(options.timeoutMs);
  const lockWaitSeconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  const timeoutVariable = options.flavor === "mariadb" ? "max_statement_time" : "max_execution_time";
  const timeoutValue = options.flavor === "mariadb" ? String(timeoutMs / 1000) : String(timeoutMs);
  return {
    begin: [
      `SET SESSION ${timeoutVariable} = ${timeoutValue}`,
      `SET SESSION innodb_lock_wait_timeout = ${lockWaitSeconds}`,
      `SET SESSION lock_wait_timeout = ${lockWaitSeconds}`,
      "START TRANSACTION READ ONLY",
    ],
    end: [
      "ROLLBACK",
      `SET SESSION ${timeoutVariable} = DEFAULT`,
      "SET SESSION innodb_lock_wait_timeout = DEFAULT",
      "SET SESSION lock_wait_timeout = DEFAULT",
    ],
  };
}

const driverErrorSchema = z.object({ code: z.union([z.string(), z.number()]).optional(), errno: z.number().optional() }).passthrough();

/** PostgreSQL SQLSTATEs and MySQL/MariaDB error numbers for "too slow" and "refused: read-only". */
const TIMEOUT_CODES = new Set<string | number>(["57014", "55P03", 3024, 1969, 1205]);
const READ_ONLY_CODES = new Set<string | number>(["25006", 1792, 1290, 1836]);

/** A driver error turned into a SqlGuardError when it is a timeout or a refused write; otherwise itself. */
export function classifySessionError(error: unknown): unknown {
  const parsed = driverErrorSchema.safeParse(error);
  if (!parsed.success) return error;
  const codes = [parsed.data.code, parsed.data.errno].filter((code) => code !== undefined);
  const message = error instanceof Error ? error.message : String(error);
  if (codes.some((code) => TIMEOUT_CODES.has(code))) {
    return new SqlGuardError("timeout", `The query ran past its time limit and was stopped (${message}). Make it cheaper: filter earlier, aggregate, or avoid cross joins.`, { cause: error });
  }
  if (codes.some((code) => READ_ONLY_CODES.has(code))) {
    return new SqlGuardError("write_refused", `The database refused a write in the read-only transaction (${message}). Only SELECT queries are allowed.`, { cause: error });
  }
  return error;
}

async function runSession<T>(client: SqlSessionClient, begin: readonly string[], end: readonly string[], run: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    for (const statement of begin) await client.query(statement);
    result = await run();
  } catch (error) {
    try {
      for (const statement of end) await client.query(statement);
    } catch {
      // The original error says more; a broken connection is the pool's to discard.
    }
    throw classifySessionError(error);
  }
  for (const statement of end) await client.query(statement);
  return result;
}

/** Runs `run` (which queries through `client`) inside a read-only PostgreSQL transaction with timeouts; always rolls back. */
export function withPostgresReadOnly<T>(client: SqlSessionClient, options: ReadOnlySessionOptions, run: () => Promise<T>): Promise<T> {
  const { begin, end } = postgresReadOnlyStatements(options);
  return runSession(client, begin, [end], run);
}

/** Runs `run` inside a read-only MySQL/MariaDB transaction with the flavor's statement timeout; always rolls back. */
export function withMysqlReadOnly<T>(
  client: SqlSessionClient,
  options: ReadOnlySessionOptions & { flavor: MysqlFlavor },
  run: () => Promise<T>,
): Promise<T> {
  const { begin, end } = mysqlReadOnlyStatements(options);
  return runSession(client, begin, end, run);
}

/** better-sqlite3 options for a data source: never writes, never creates the file. */
export const SQLITE_READ_ONLY_OPEN_OPTIONS = { readonly: true, fileMustExist: true } as const;
