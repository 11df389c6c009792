import mysql from "mysql2/promise";
import { detectMysqlFlavor, mysqlReadOnlyStatements, type MysqlFlavor } from "../guard/read-only-session.ts";
import { SqlError, describeCause, isSqlError } from "../sql-error.ts";
import { type DataSourceCredentials, type MysqlSourceConfig } from "../sources/data-source-config.ts";
import { createGuardedConnector, type ConnectorDriver, type DriverResult } from "./create-guarded-connector.ts";
import { mysqlColumnType } from "./mysql-types.ts";
import { inferFamily, normalizeValue } from "./normalize-value.ts";
import { type SqlConnector } from "./sql-connector.ts";

const networkCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "ECONNRESET", "EAI_AGAIN", "EPIPE", "PROTOCOL_CONNECTION_LOST"]);

function errorFields(error: unknown): { code?: string; errno?: number } {
  if (typeof error !== "object" || error === null) return {};
  const candidate = error as { code?: unknown; errno?: unknown }; // Reads two fields, both checked below.
  return {
    ...(typeof candidate.code === "string" ? { code: candidate.code } : {}),
    ...(typeof candidate.errno === "number" ? { errno: candidate.errno } : {}),
  };
}

/** A mysql2 error as a `SqlError` whose message says what to fix. */
export function mysqlError(error: unknown, config: MysqlSourceConfig): SqlError {
  if (isSqlError(error)) return error;
  const { code, errno } = errorFields(error);
  const message = describeCause(error);
  const where = `${config.host}:${config.port}`;
  const details = { ...(code === undefined ? {} : { databaseCode: code }) };
  if (errno === 1045 || errno === 1044 || code === "ER_ACCESS_DENIED_ERROR") {
    return new SqlError("auth_failed", `MySQL at ${where} refused user "${config.user}": ${message}. Check the user name and password of this data source.`, { cause: error, details });
  }
  if (errno === 1049) return new SqlError("connection_failed", `${message} on ${where}. Check the database name of this data source.`, { cause: error, details });
  // 1969: MariaDB's max_statement_time; 3024: MySQL's max_execution_time; 1317: KILL QUERY; 1205: lock wait timeout.
  if (errno === 1969 || errno === 3024 || errno === 1317 || errno === 1205) return new SqlError("timeout", `MySQL stopped the statement: ${message}.`, { cause: error, details });
  if ((code !== undefined && networkCodes.has(code)) || /connect ETIMEDOUT|Connection lost/i.test(message)) {
    return new SqlError("connection_failed", `Cannot reach MySQL at ${where} (${message}). Check the host and port, and that the server accepts connections from Tandem.`, { cause: error, details });
  }
  if (/SSL|certificate|self[- ]signed/i.test(message) && errno === undefined) {
    return new SqlError("connection_failed", `TLS to MySQL at ${where} failed (${message}). Check the data source's SSL mode and certificate authority.`, { cause: error });
  }
  return new SqlError("database_error", message, { cause: error, details });
}

function sslOption(config: MysqlSourceConfig): mysql.PoolOptions["ssl"] {
  if (config.ssl.mode === "disable") return undefined;
  if (config.ssl.mode === "require") return { rejectUnauthorized: false };
  return { rejectUnauthorized: true, ...(config.ssl.ca === undefined ? {} : { ca: config.ssl.ca }) };
}

/**
 * A MySQL or MariaDB source: a mysql2 pool as large as the concurrency cap; every statement runs in
 * `START TRANSACTION READ ONLY` under the server's own time limit (MariaDB `max_statement_time`, MySQL
 * `max_execution_time`) and lock-wait limits (the guard's read-only session, guard/read-only-session.ts),
 * then rolls back and restores the session's defaults. When the caller's signal or the deadline fires first, the query
 * is killed from a separate connection (`KILL QUERY`).
 */
export function createMysqlConnector(config: MysqlSourceConfig, credentials: DataSourceCredentials = {}): SqlConnector {
  const ssl = sslOption(config);
  const connection: mysql.ConnectionOptions = {
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    ...(credentials.password === undefined ? {} : { password: credentials.password }),
    ...(ssl === undefined ? {} : { ssl }),
    connectTimeout: Math.min(10_000, config.limits.statementTimeoutMs),
    charset: "utf8mb4",
    multipleStatements: false,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
  };
  const pool = mysql.createPool({ ...connection, connectionLimit: config.limits.concurrencyCap, waitForConnections: true, queueLimit: 0, maxIdle: config.limits.concurrencyCap, idleTimeout: 30_000 });
  let flavor: Promise<MysqlFlavor> | undefined;

  async function killQuery(threadId: number): Promise<void> {
    let killer: mysql.Connection | undefined;
    try {
      killer = await mysql.createConnection(connection);
      await killer.query(`KILL QUERY ${Math.trunc(threadId)}`);
    } catch {
      // Best effort: the server's own statement time limit stops the query anyway.
    } finally {
      await killer?.end().catch(() => undefined);
    }
  }

  async function readOnly(sql: string, timeoutMs: number, signal: AbortSignal): Promise<DriverResult> {
    let client: mysql.PoolConnection;
    try {
      client = await pool.getConnection();
    } catch (error) {
      throw mysqlError(error, config);
    }
    let destroy = false;
    const onAbort = () => void killQuery(client.threadId);
    try {
      flavor ??= client.query<mysql.RowDataPacket[]>("SELECT VERSION() AS version").then(([rows]) => detectMysqlFlavor(String(rows[0]?.version ?? "")));
      const session = mysqlReadOnlyStatements({ timeoutMs: Math.max(1, Math.floor(timeoutMs)), flavor: await flavor });
      signal.throwIfAborted();
      signal.addEventListener("abort", onAbort, { once: true });
      for (const statement of session.begin) await client.query(statement);
      try {
        const [rows, fields] = await client.query<mysql.RowDataPacket[][]>({ sql, rowsAsArray: true });
        const columns = fields.map((field, index) => {
          const { family, databaseType } = mysqlColumnType(field.columnType ?? field.type, field.characterSet ?? field.charsetNr);
          return { name: field.name, type: family ?? inferFamily(rows, index), databaseType };
        });
        return { columns, rows: rows.map((row) => (row as unknown[]).map((value, index) => normalizeValue(value, columns[index]?.type ?? "string"))) };
      } finally {
        try {
          for (const statement of session.end) await client.query(statement);
        } catch {
          destroy = true;
        }
      }
    } catch (error) {
      const mapped = mysqlError(error, config);
      if (mapped.code === "timeout" || mapped.code === "connection_failed") destroy = true;
      throw mapped;
    } finally {
      signal.removeEventListener("abort", onAbort);
      if (destroy) client.destroy();
      else client.release();
    }
  }

  const driver: ConnectorDriver = {
    kind: "mysql",
    dialect: "mysql",
    run: (query) => readOnly(query.sql, query.timeoutMs, query.signal),
    catalog: (sql, query) => readOnly(sql, query.timeoutMs, query.signal),
    async ping(query) {
      const result = await readOnly("SELECT VERSION() AS version", query.timeoutMs, query.signal);
      const version = result.rows[0]?.[0];
      return typeof version === "string" ? { serverVersion: /mariadb/i.test(version) ? `MariaDB ${version}` : `MySQL ${version}` } : {};
    },
    async close() {
      await pool.end();
    },
  };
  return createGuardedConnector(driver, config.limits);
}
