import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { familyOfType } from "../column-family.ts";
import { SqlError, isSqlError } from "../sql-error.ts";
import { type SqliteSourceConfig } from "../sources/data-source-config.ts";
import { createGuardedConnector, type ConnectorDriver, type DriverResult } from "./create-guarded-connector.ts";
import { inferFamily, normalizeValue } from "./normalize-value.ts";
import { type SqlConnector } from "./sql-connector.ts";

/** Messages from sqlite-process.mjs. */
type ProcessMessage =
  | { type: "ready"; version: string }
  | { type: "open-failed"; message: string; code?: string }
  | { id: number; ok: true; columns: Array<{ name: string; type: string | null }>; rows: unknown[][] }
  | { id: number; ok: false; message: string; code?: string };

interface SqliteProcess {
  child: ChildProcess;
  ready: Promise<string>;
  pending: Map<number, { resolve: (message: ProcessMessage) => void; reject: (error: Error) => void }>;
}

const processFile = fileURLToPath(new URL("./sqlite-process.mjs", import.meta.url));

function openError(config: SqliteSourceConfig, message: string, code: string | undefined): SqlError {
  const hint = code === "SQLITE_NOTADB" ? " The file is not a SQLite database." : code === "SQLITE_CANTOPEN" ? " The file does not exist or Tandem cannot read it." : "";
  return new SqlError("connection_failed", `Cannot open the SQLite file ${config.path}: ${message}.${hint} Check the path of this data source.`, {
    details: code === undefined ? {} : { databaseCode: code },
  });
}

/** Keeps an idle child from holding the parent process open, or lets a busy one do so. */
function hold(child: ChildProcess, busy: boolean): void {
  if (busy) {
    child.ref();
    child.channel?.ref();
  } else {
    child.unref();
    child.channel?.unref();
  }
}

/**
 * A SQLite source: the file opened read-only (`fileMustExist`, `query_only`) in child processes, one
 * statement per process at a time, at most the concurrency cap of them, kept for the next statement.
 * better-sqlite3 cannot interrupt a statement, so one past its deadline (or cancelled) has its process
 * killed, and a fresh process takes its place on the next call (about 100 ms to start).
 */
export function createSqliteConnector(config: SqliteSourceConfig): SqlConnector {
  const idle: SqliteProcess[] = [];
  const all = new Set<SqliteProcess>();
  let nextId = 1;

  function spawn(): SqliteProcess {
    // Without the parent's loaders (tsx, test runners): the child is plain JavaScript.
    const { NODE_OPTIONS: _loaders, ...env } = process.env;
    const child = fork(processFile, [config.path], { serialization: "advanced", stdio: ["ignore", "ignore", "inherit", "ipc"], execArgv: [], env });
    const pending: SqliteProcess["pending"] = new Map();
    let settleReady: { resolve: (version: string) => void; reject: (error: Error) => void } | undefined;
    const ready = new Promise<string>((resolve, reject) => (settleReady = { resolve, reject }));
    const entry: SqliteProcess = { child, ready, pending };
    child.on("message", (message: ProcessMessage) => {
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
    child.on("error", (error) => fail(new SqlError("connection_failed", `Cannot start the SQLite process: ${error.message}`, { cause: error })));
    child.on("exit", () => fail(new SqlError("cancelled", "The SQLite process was stopped.")));
    all.add(entry);
    return entry;
  }

  async function run(sql: string, maxRows: number, signal: AbortSignal): Promise<{ result: DriverResult; version: string }> {
    const entry = idle.pop() ?? spawn();
    hold(entry.child, true);
    let healthy = true;
    const onAbort = () => {
      healthy = false;
      entry.child.kill("SIGKILL");
    };
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      const version = await entry.ready;
      signal.throwIfAborted();
      const id = nextId++;
      const message = await new Promise<ProcessMessage>((resolve, reject) => {
        entry.pending.set(id, { resolve, reject });
        entry.child.send({ id, sql, maxRows });
      });
      if ("type" in message) throw new SqlError("database_error", "Unexpected message from the SQLite process.");
      if (!message.ok) {
        throw new SqlError("database_error", message.message, { details: message.code === undefined ? {} : { databaseCode: message.code } });
      }
      const columns = message.columns.map((column, index) => {
        const declared = column.type === null || column.type === "" ? undefined : column.type;
        return { name: column.name, type: declared === undefined ? inferFamily(message.rows, index) : familyOfType("sqlite", declared), ...(declared === undefined ? {} : { databaseType: declared }) };
      });
      const rows = message.rows.map((row) => row.map((value, index) => normalizeValue(value, columns[index]?.type ?? "string")));
      return { result: { columns, rows }, version };
    } catch (error) {
      if (isSqlError(error) && error.code === "connection_failed") healthy = false;
      throw error;
    } finally {
      signal.removeEventListener("abort", onAbort);
      if (healthy && all.has(entry)) {
        hold(entry.child, false);
        idle.push(entry);
      } else if (all.has(entry)) {
        entry.child.kill("SIGKILL");
      }
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
      const exits = [...all].map((entry) => new Promise<void>((resolve) => (entry.child.exitCode !== null || entry.child.signalCode !== null ? resolve() : entry.child.once("exit", () => resolve()))));
      for (const entry of all) {
        hold(entry.child, true); // An unref'd child's exit would not keep the process alive long enough to be awaited.
        entry.child.kill("SIGKILL");
      }
      all.clear();
      idle.length = 0;
      await Promise.all(exits);
    },
  };
  return createGuardedConnector(driver, config.limits);
}
