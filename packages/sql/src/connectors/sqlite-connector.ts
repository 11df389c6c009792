import { Worker } from "node:worker_threads";
import { familyOfType } from "../column-family.ts";
import { SqlError, isSqlError } from "../sql-error.ts";
import { type SqliteSourceConfig } from "../sources/data-source-config.ts";
import { createGuardedConnector, type ConnectorDriver, type DriverResult } from "./create-guarded-connector.ts";
import { familyOfValue, normalizeValue } from "./normalize-value.ts";
import { type SqlConnector } from "./sql-connector.ts";

/** Messages from sqlite-worker.mjs. */
type WorkerMessage =
  | { type: "ready"; version: string }
  | { type: "open-failed"; message: string; code?: string }
  | { id: number; ok: true; columns: Array<{ name: string; type: string | null }>; rows: unknown[][] }
  | { id: number; ok: false; message: string; code?: string };

interface SqliteWorker {
  worker: Worker;
  ready: Promise<string>;
  pending: Map<number, { resolve: (message: WorkerMessage) => void; reject: (error: Error) => void }>;
}

function openError(config: SqliteSourceConfig, message: string, code: string | undefined): SqlError {
  const hint = code === "SQLITE_NOTADB" ? "The file is not a SQLite database." : code === "SQLITE_CANTOPEN" ? "The file does not exist or cannot be read by Tandem." : "";
  return new SqlError("connection_failed", `Cannot open the SQLite file ${config.path}: ${message}. ${hint} Check the path of this data source.`.replace(/\s+$/, ""), {
    details: code === undefined ? {} : { databaseCode: code },
  });
}

/**
 * A SQLite source: the file opened read-only (`fileMustExist`, `query_only`) in worker threads, one
 * statement per worker at a time, at most the concurrency cap of them. A statement past its deadline, or
 * cancelled, has its worker terminated (better-sqlite3 cannot interrupt a statement), and a fresh worker
 * takes its place on the next call.
 */
export function createSqliteConnector(config: SqliteSourceConfig): SqlConnector {
  const idle: SqliteWorker[] = [];
  const all = new Set<SqliteWorker>();
  let nextId = 1;

  function spawn(): SqliteWorker {
    const worker = new Worker(new URL("./sqlite-worker.mjs", import.meta.url), { workerData: { path: config.path } });
    const pending: SqliteWorker["pending"] = new Map();
    let settleReady: { resolve: (version: string) => void; reject: (error: Error) => void } | undefined;
    const ready = new Promise<string>((resolve, reject) => (settleReady = { resolve, reject }));
    const entry: SqliteWorker = { worker, ready, pending };
    worker.on("message", (message: WorkerMessage) => {
      if ("type" in message) {
        if (message.type === "ready") settleReady?.resolve(message.version);
        else settleReady?.reject(openError(config, message.message, message.code));
        return;
      }
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      waiter?.resolve(message);
    });
    const fail = (error: Error) => {
      settleReady?.reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
      all.delete(entry);
      const index = idle.indexOf(entry);
      if (index >= 0) idle.splice(index, 1);
    };
    worker.on("error", (error) => fail(new SqlError("database_error", `The SQLite worker failed: ${error.message}`, { cause: error })));
    worker.on("exit", () => fail(new SqlError("cancelled", "The SQLite worker was stopped.")));
    all.add(entry);
    return entry;
  }

  async function run(sql: string, maxRows: number, signal: AbortSignal): Promise<{ result: DriverResult; version: string }> {
    const entry = idle.pop() ?? spawn();
    // Referenced while it works, so that awaiting its answer keeps the process alive; unreferenced when
    // idle, so that a connector nobody closed does not keep the process from exiting.
    entry.worker.ref();
    let healthy = true;
    const onAbort = () => {
      healthy = false;
      void entry.worker.terminate();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      const version = await entry.ready;
      signal.throwIfAborted();
      const id = nextId++;
      const message = await new Promise<WorkerMessage>((resolve, reject) => {
        entry.pending.set(id, { resolve, reject });
        entry.worker.postMessage({ id, sql, maxRows });
      });
      if ("type" in message) throw new SqlError("database_error", "Unexpected message from the SQLite worker.");
      if (!message.ok) {
        throw new SqlError("database_error", message.message, { details: message.code === undefined ? {} : { databaseCode: message.code } });
      }
      const columns = message.columns.map((column, index) => {
        const firstValue = message.rows.find((row) => row[index] !== null && row[index] !== undefined)?.[index];
        const declared = column.type === null || column.type === "" ? undefined : column.type;
        return { name: column.name, type: declared === undefined ? familyOfValue(firstValue) : familyOfType("sqlite", declared), ...(declared === undefined ? {} : { databaseType: declared }) };
      });
      const rows = message.rows.map((row) => row.map((value, index) => normalizeValue(value, columns[index]?.type ?? "string")));
      return { result: { columns, rows }, version };
    } catch (error) {
      if (isSqlError(error) && error.code === "connection_failed") healthy = false;
      throw error;
    } finally {
      signal.removeEventListener("abort", onAbort);
      if (healthy && all.has(entry)) {
        entry.worker.unref();
        idle.push(entry);
      } else if (all.has(entry)) void entry.worker.terminate();
    }
  }

  const driver: ConnectorDriver = {
    kind: "sqlite",
    dialect: "sqlite",
    run: async (query) => (await run(query.sql, query.maxRows, query.signal)).result,
    catalog: async (sql, query) => (await run(sql, Number.MAX_SAFE_INTEGER, query.signal)).result,
    async ping(query) {
      const { version } = await run("SELECT 1", 1, query.signal);
      return { serverVersion: `SQLite ${version}` };
    },
    async close() {
      await Promise.all([...all].map((entry) => entry.worker.terminate()));
      all.clear();
      idle.length = 0;
    },
  };
  return createGuardedConnector(driver, config.limits);
}
