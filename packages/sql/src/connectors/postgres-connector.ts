import pg from "pg";
import { postgresReadOnlyStatements } from "../guard/read-only-session.ts";
import { SqlError, describeCause, isSqlError } from "../sql-error.ts";
import { type DataSourceCredentials, type PostgresSourceConfig } from "../sources/data-source-config.ts";
import { createGuardedConnector, type ConnectorDriver, type DriverQuery, type DriverResult } from "./create-guarded-connector.ts";
import { inferFamily, normalizeValue } from "./normalize-value.ts";
import { postgresColumnType, postgresTypeParsers } from "./postgres-types.ts";
import { type SqlConnector } from "./sql-connector.ts";

const networkCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "ECONNRESET", "EAI_AGAIN", "EPIPE"]);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code; // Reads one field, checked below.
  return typeof code === "string" ? code : undefined;
}

/** A node-postgres error as a `SqlError` whose message says what to fix. */
export function postgresError(error: unknown, config: PostgresSourceConfig): SqlError {
  if (isSqlError(error)) return error;
  const code = errorCode(error);
  const message = describeCause(error);
  const where = `${config.host}:${config.port}`;
  if (code === "28P01" || code === "28000") {
    return new SqlError("auth_failed", `PostgreSQL at ${where} refused user "${config.user}": ${message}. Check the user name and password of this data source.`, { cause: error, details: { databaseCode: code } });
  }
  if (code === "3D000") {
    return new SqlError("connection_failed", `${message} on ${where}. Check the database name of this data source.`, { cause: error, details: { databaseCode: code } });
  }
  // 57014: statement_timeout (or a cancel); 55P03: lock_timeout, a statement that waited too long for a lock.
  if (code === "57014" || code === "55P03") return new SqlError("timeout", `PostgreSQL stopped the statement: ${message}.`, { cause: error, details: { databaseCode: code } });
  if ((code !== undefined && networkCodes.has(code)) || /timeout exceeded when trying to connect|Connection terminated|connect ETIMEDOUT/i.test(message)) {
    return new SqlError("connection_failed", `Cannot reach PostgreSQL at ${where} (${message}). Check the host and port, and that the server accepts connections from Tandem.`, { cause: error, details: code === undefined ? {} : { databaseCode: code } });
  }
  if (/SSL|certificate|self[- ]signed/i.test(message) && (code === undefined || !/^[0-9A-Z]{5}$/.test(code))) {
    return new SqlError("connection_failed", `TLS to PostgreSQL at ${where} failed (${message}). Check the data source's SSL mode and certificate authority.`, { cause: error });
  }
  return new SqlError("database_error", message, { cause: error, details: code === undefined ? {} : { databaseCode: code } });
}

function sslOption(config: PostgresSourceConfig): pg.PoolConfig["ssl"] {
  if (config.ssl.mode === "disable") return false;
  if (config.ssl.mode === "require") return { rejectUnauthorized: false };
  return { rejectUnauthorized: true, ...(config.ssl.ca === undefined ? {} : { ca: config.ssl.ca }) };
}

/**
 * A PostgreSQL source: a pg pool as large as the concurrency cap; every statement runs in its own
 * `BEGIN READ ONLY` transaction with `SET LOCAL statement_timeout` and `lock_timeout` (the guard's
 * read-only session, guard/read-only-session.ts), then rolls back. When the caller's
 * signal or the deadline fires first, the backend's query is cancelled from a separate connection.
 */
export function createPostgresConnector(config: PostgresSourceConfig, credentials: DataSourceCredentials = {}): SqlConnector {
  const connection: pg.ClientConfig = {
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    ...(credentials.password === undefined ? {} : { password: credentials.password }),
    ssl: sslOption(config),
    application_name: "tandem",
    connectionTimeoutMillis: Math.min(10_000, config.limits.statementTimeoutMs),
  };
  const pool = new pg.Pool({ ...connection, types: postgresTypeParsers, max: config.limits.concurrencyCap, idleTimeoutMillis: 30_000, allowExitOnIdle: true });
  // An idle connection that dies (server restart) must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  const backendIds = new WeakMap<pg.PoolClient, number>();

  async function cancelBackend(pid: number): Promise<void> {
    const canceller = new pg.Client(connection);
    try {
      await canceller.connect();
      await canceller.query("SELECT pg_cancel_backend($1)", [pid]);
    } catch {
      // Best effort: statement_timeout stops the query anyway.
    } finally {
      await canceller.end().catch(() => undefined);
    }
  }

  async function readOnly(timeoutMs: number, signal: AbortSignal, work: (client: pg.PoolClient) => Promise<pg.QueryArrayResult>): Promise<pg.QueryArrayResult> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw postgresError(error, config);
    }
    let pid = backendIds.get(client);
    let destroy = false;
    const onAbort = () => {
      if (pid !== undefined) void cancelBackend(pid);
    };
    try {
      if (pid === undefined) {
        const found = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        pid = found.rows[0]?.pid;
        if (pid !== undefined) backendIds.set(client, pid);
      }
      signal.throwIfAborted();
      signal.addEventListener("abort", onAbort, { once: true });
      const session = postgresReadOnlyStatements({ timeoutMs: Math.max(1, Math.floor(timeoutMs)) });
      // One round trip: the simple query protocol runs the statements in order.
      await client.query(session.begin.join("; "));
      try {
        return await work(client);
      } finally {
        await client.query(session.end).catch(() => {
          destroy = true;
        });
      }
    } catch (error) {
      throw postgresError(error, config);
    } finally {
      signal.removeEventListener("abort", onAbort);
      client.release(destroy);
    }
  }

  function toResult(result: pg.QueryArrayResult): DriverResult {
    const columns = result.fields.map((fieldInfo, index) => {
      const { family, databaseType } = postgresColumnType(fieldInfo.dataTypeID);
      return { name: fieldInfo.name, type: family ?? inferFamily(result.rows, index), databaseType };
    });
    return { columns, rows: result.rows.map((row) => row.map((value, index) => normalizeValue(value, columns[index]?.type ?? "string"))) };
  }

  const driver: ConnectorDriver = {
    kind: "postgresql",
    dialect: "postgresql",
    async run(query: DriverQuery) {
      return toResult(await readOnly(query.timeoutMs, query.signal, (client) => client.query({ text: query.sql, rowMode: "array" })));
    },
    async catalog(sql, query) {
      return toResult(await readOnly(query.timeoutMs, query.signal, (client) => client.query({ text: sql, rowMode: "array" })));
    },
    async ping(query) {
      const result = await readOnly(query.timeoutMs, query.signal, (client) => client.query({ text: "SELECT current_setting('server_version') AS version", rowMode: "array" }));
      const version: unknown = result.rows[0]?.[0];
      return typeof version === "string" ? { serverVersion: `PostgreSQL ${version}` } : {};
    },
    async close() {
      await pool.end();
    },
  };
  return createGuardedConnector(driver, config.limits);
}
