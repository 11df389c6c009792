import { z } from "zod";

/**
 * How guarded SQL is executed: in a transaction the server itself holds read-only, under a statement
 * timeout, always rolled back. This is the layer that still holds if the guard lets a write through.
 * The PostgreSQL and MySQL connectors run these statements around every query; the SQLite connector opens
 * the file read-only in its own process (connectors/sqlite-process.mjs).
 */

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
