import { type SqlDialect } from "../column-family.ts";
import { guardSql } from "../guard/guard-sql.ts";
import { introspectSchema, type CatalogQuery, type IntrospectOptions } from "../introspection/introspect-schema.ts";
import { type DatabaseSchema } from "../introspection/database-schema.ts";
import { SqlError, describeCause, isSqlError } from "../sql-error.ts";
import { type DataSourceKind, type SourceLimits } from "../sources/data-source-config.ts";
import { createSemaphore } from "./semaphore.ts";
import { type ConnectionTestResult, type ExecuteOptions, type QueryResult, type ResultColumn, type SqlConnector } from "./sql-connector.ts";

/** What a driver is asked to run: SQL the guard already passed, with the limits already resolved. */
export interface DriverQuery {
  sql: string;
  /** Rows to fetch at most (the cap plus one, so that truncation can be told apart from an exact fit). */
  maxRows: number;
  /** Time left for this statement, in ms (the server-side limit to set). */
  timeoutMs: number;
  /** Aborts when the caller cancels or the deadline passes; the driver stops the statement on the server. */
  signal: AbortSignal;
}

export interface DriverResult {
  columns: ResultColumn[];
  rows: unknown[][];
}

/**
 * The part of a connector that differs per kind. It never sees SQL the guard did not pass, except the
 * catalog statements Tandem writes itself (`catalog`, for direct connections, still read-only).
 */
export interface ConnectorDriver {
  readonly kind: DataSourceKind;
  readonly dialect: SqlDialect;
  run(query: DriverQuery): Promise<DriverResult>;
  /** Connects and runs a trivial statement; returns the server's version when it can tell. */
  ping(query: Omit<DriverQuery, "sql" | "maxRows">): Promise<{ serverVersion?: string }>;
  /**
   * Runs a catalog statement for introspection. Absent for HTTP SQL APIs, whose catalog statements go
   * through the guard like any other.
   */
  catalog?(sql: string, query: Omit<DriverQuery, "sql" | "maxRows">): Promise<DriverResult>;
  close(): Promise<void>;
}

/** Rows a catalog statement may return, whatever the source's row cap (which is for answers, not for Tandem's own reads). */
const catalogRowCap = 200_000;

function stoppedError(signal: AbortSignal | undefined, timeoutMs: number): SqlError {
  if (signal?.aborted) return new SqlError("cancelled", "The statement was cancelled before it finished.");
  return new SqlError(
    "timeout",
    `The statement ran longer than ${timeoutMs} ms, this source's limit. Make it cheaper (filter or aggregate earlier, join on keys, add a LIMIT) or raise the source's statement timeout.`,
  );
}

function recordsOf(result: DriverResult): Array<Record<string, unknown>> {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((column, index) => [column.name, row[index]])));
}

/**
 * Wraps a driver into a `SqlConnector`: every `execute` is guarded first (refused statements never
 * reach the database), runs under the source's concurrency cap and within one deadline (waiting for a
 * slot included), and returns at most the row cap with `truncated` set when rows were cut.
 */
export function createGuardedConnector(driver: ConnectorDriver, limits: SourceLimits): SqlConnector {
  const semaphore = createSemaphore(limits.concurrencyCap);
  let closed = false;

  async function withSlot<T>(timeoutMs: number, callerSignal: AbortSignal | undefined, work: (remainingMs: number, signal: AbortSignal) => Promise<T>): Promise<T> {
    if (closed) throw new SqlError("closed", "This data source's connector was closed; open a new one.");
    const started = performance.now();
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal === undefined ? deadline : AbortSignal.any([callerSignal, deadline]);
    let release: (() => void) | undefined;
    try {
      release = await semaphore.acquire(signal);
      const remainingMs = Math.max(1, Math.floor(timeoutMs - (performance.now() - started)));
      return await work(remainingMs, signal);
    } catch (error) {
      if (signal.aborted && (!isSqlError(error) || error.code === "timeout" || error.code === "cancelled" || error.code === "database_error")) {
        throw stoppedError(callerSignal, timeoutMs);
      }
      if (isSqlError(error)) throw error;
      throw new SqlError("database_error", describeCause(error), { cause: error });
    } finally {
      release?.();
    }
  }

  async function guardedRun(sql: string, maxRows: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<QueryResult> {
    const verdict = guardSql(sql, { dialect: driver.dialect, maxRows: maxRows + 1 });
    if (!verdict.ok) throw new SqlError("guard_refused", verdict.message, { details: { guardCode: verdict.code } });
    const started = performance.now();
    const result = await withSlot(timeoutMs, signal, (remainingMs, combined) => driver.run({ sql: verdict.sql, maxRows: maxRows + 1, timeoutMs: remainingMs, signal: combined }));
    const truncated = result.rows.length > maxRows;
    return {
      columns: result.columns,
      rows: truncated ? result.rows.slice(0, maxRows) : result.rows,
      truncated,
      elapsedMs: Math.round((performance.now() - started) * 10) / 10,
      sql: verdict.sql,
    };
  }

  const catalogQuery: CatalogQuery = async (sql) => {
    const catalog = driver.catalog?.bind(driver);
    if (catalog === undefined) return recordsOf(await guardedRun(sql, catalogRowCap, limits.statementTimeoutMs, undefined));
    return recordsOf(await withSlot(limits.statementTimeoutMs, undefined, (remainingMs, signal) => catalog(sql, { timeoutMs: remainingMs, signal })));
  };

  return {
    kind: driver.kind,
    dialect: driver.dialect,
    async testConnection(options = {}): Promise<ConnectionTestResult> {
      const timeoutMs = Math.min(options.timeoutMs ?? 10_000, limits.statementTimeoutMs);
      const started = performance.now();
      try {
        const { serverVersion } = await withSlot(timeoutMs, undefined, (remainingMs, signal) => driver.ping({ timeoutMs: remainingMs, signal }));
        return { ok: true, elapsedMs: Math.round(performance.now() - started), ...(serverVersion === undefined ? {} : { serverVersion }) };
      } catch (error) {
        if (isSqlError(error)) return { ok: false, code: error.code, message: error.message };
        return { ok: false, code: "connection_failed", message: describeCause(error) };
      }
    },
    async introspect(options: IntrospectOptions = {}): Promise<DatabaseSchema> {
      return introspectSchema(driver.dialect, catalogQuery, options);
    },
    async execute(sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
      const maxRows = Math.max(1, Math.min(options.maxRows ?? limits.rowCap, limits.rowCap));
      const timeoutMs = Math.max(1, Math.min(options.timeoutMs ?? limits.statementTimeoutMs, limits.statementTimeoutMs));
      return guardedRun(sql, maxRows, timeoutMs, options.signal);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await driver.close();
    },
  };
}
