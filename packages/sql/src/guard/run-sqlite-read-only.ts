import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { z } from "zod";
import { SqlGuardError } from "./sql-guard-error.ts";

/**
 * SQLite has no statement timeout, and better-sqlite3 (12.6) exposes neither sqlite3_interrupt nor a
 * progress handler. A worker thread is no answer either: terminating it waits until the native
 * sqlite3_step returns, and one step of `SELECT count(*) FROM a, a, a` can take hours. So queries run in a
 * child process that is killed (SIGKILL) at the deadline; the next query starts a new one. The child
 * opens the file read-only (never creating it), sets `query_only` and `trusted_schema = OFF`, and
 * refuses any prepared statement that SQLite itself does not call a read-only reader
 * (sqlite3_stmt_readonly): the guard's last line of defence. One child per executor, one query at a time.
 */
const CHILD_SCRIPT = `
"use strict";
const [modulePath, file, busyTimeoutMs] = process.argv.slice(1);
let db;
process.on("message", (request) => {
  try {
    if (!db) {
      const Database = require(modulePath);
      db = new Database(file, { readonly: true, fileMustExist: true, timeout: Number(busyTimeoutMs) });
      db.pragma("query_only = ON");
      db.pragma("trusted_schema = OFF");
    }
    const statement = db.prepare(request.sql);
    if (!statement.reader || !statement.readonly) {
      process.send({ id: request.id, ok: false, code: "SQLITE_READONLY", message: "SQLite reports that this statement is not a read-only query" });
      return;
    }
    statement.raw(true);
    statement.safeIntegers(request.safeIntegers);
    const columns = statement.columns().map((column) => column.name);
    const rows = [];
    let truncated = false;
    for (const row of statement.iterate()) {
      if (rows.length >= request.maxRows) { truncated = true; break; }
      rows.push(row);
    }
    process.send({ id: request.id, ok: true, columns, rows, truncated });
  } catch (error) {
    process.send({ id: request.id, ok: false, code: String((error && error.code) || "SQLITE_ERROR"), message: String((error && error.message) || error) });
  }
});
process.on("disconnect", () => process.exit(0));
`;

export interface SqliteReadOnlyExecutorOptions {
  /** Path of an existing SQLite database file. */
  file: string;
  /** Default time limit per query in milliseconds; the child process is killed when it passes. */
  timeoutMs: number;
  /** Default cap on returned rows (the guard's LIMIT is the first cap; this one holds regardless). */
  maxRows: number;
  /** How long to wait for another process's write lock, in milliseconds (default 1000). */
  busyTimeoutMs?: number;
  /** Return integers as bigint, losslessly (default false: numbers, as better-sqlite3 does). */
  safeIntegers?: boolean;
}

export interface SqliteQueryResult {
  columns: string[];
  /** Rows as arrays in column order: null, number, bigint (with safeIntegers), string or Uint8Array. */
  rows: unknown[][];
  /** More rows existed than `maxRows`. */
  truncated: boolean;
}

export interface SqliteReadOnlyExecutor {
  query(sql: string, options?: { timeoutMs?: number; maxRows?: number }): Promise<SqliteQueryResult>;
  /** Ends the child process; later queries start a new one. */
  close(): Promise<void>;
}

/** A query SQLite refused or failed (syntax, missing table …); `code` is SQLite's, e.g. SQLITE_ERROR. */
export class SqliteExecutionError extends Error {
  override readonly name = "SqliteExecutionError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const replySchema = z.union([
  z.object({ id: z.number(), ok: z.literal(true), columns: z.array(z.string()), rows: z.array(z.array(z.unknown())), truncated: z.boolean() }),
  z.object({ id: z.number(), ok: z.literal(false), code: z.string(), message: z.string() }),
]);

const betterSqlitePath = createRequire(import.meta.url).resolve("better-sqlite3");

interface Pending {
  id: number;
  /** The process the query was sent to: a killed one's late exit must not settle the next query. */
  owner: ChildProcess;
  resolve: (result: SqliteQueryResult) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

/** Runs queries on `file`, read-only, each under a hard time limit. See the comment at the top of the file. */
export function createSqliteReadOnlyExecutor(options: SqliteReadOnlyExecutorOptions): SqliteReadOnlyExecutor {
  let child: ChildProcess | undefined;
  let pending: Pending | undefined;
  let stderr = "";
  let nextId = 1;
  let queue: Promise<unknown> = Promise.resolve();

  const settle = (outcome: { result: SqliteQueryResult } | { error: unknown }, from?: ChildProcess) => {
    const current = pending;
    if (!current || (from !== undefined && current.owner !== from)) return;
    pending = undefined;
    clearTimeout(current.timer);
    current.owner.unref();
    current.owner.channel?.unref();
    if ("result" in outcome) current.resolve(outcome.result);
    else current.reject(outcome.error);
  };

  const start = (): ChildProcess => {
    const { NODE_OPTIONS: _loaders, ...env } = process.env;
    const worker = spawn(process.execPath, ["-e", CHILD_SCRIPT, betterSqlitePath, options.file, String(options.busyTimeoutMs ?? 1000)], {
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "advanced",
      env,
    });
    stderr = "";
    worker.stderr?.setEncoding("utf8");
    worker.stderr?.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    worker.on("message", (message: unknown) => {
      const reply = replySchema.safeParse(message);
      if (!reply.success || reply.data.id !== pending?.id) return;
      if (reply.data.ok) {
        settle({ result: { columns: reply.data.columns, rows: reply.data.rows, truncated: reply.data.truncated } }, worker);
      } else if (reply.data.code.startsWith("SQLITE_READONLY")) {
        settle(
          { error: new SqlGuardError("write_refused", `SQLite refused a write on the read-only connection (${reply.data.message}). Only SELECT queries are allowed.`) },
          worker,
        );
      } else {
        settle({ error: new SqliteExecutionError(reply.data.code, reply.data.message) }, worker);
      }
    });
    const forget = () => {
      if (child === worker) child = undefined;
    };
    worker.on("exit", (code, signal) => {
      forget();
      settle({ error: new Error(`The SQLite query process exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim()}` : ""}`) }, worker);
    });
    worker.on("error", (error) => {
      forget();
      settle({ error }, worker);
    });
    return worker;
  };

  const run = (sql: string, timeoutMs: number, maxRows: number) =>
    new Promise<SqliteQueryResult>((resolve, reject) => {
      child ??= start();
      const current = child;
      const id = nextId++;
      const timer = setTimeout(() => {
        settle({
          error: new SqlGuardError(
            "timeout",
            `The query ran past its time limit of ${timeoutMs} ms and was stopped. Make it cheaper: filter earlier, aggregate, or avoid cross joins.`,
          ),
        });
        if (child === current) child = undefined;
        current.kill("SIGKILL");
      }, timeoutMs);
      pending = { id, owner: current, resolve, reject, timer };
      current.ref();
      current.channel?.ref();
      current.send({ id, sql, maxRows, safeIntegers: options.safeIntegers ?? false }, (error) => {
        if (error) settle({ error }, current);
      });
    });

  return {
    query(sql, queryOptions = {}) {
      const result = queue.then(() => run(sql, queryOptions.timeoutMs ?? options.timeoutMs, queryOptions.maxRows ?? options.maxRows));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      await queue;
      const current = child;
      child = undefined;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        current.once("exit", () => resolve());
        current.ref(); // An idle child is unreferenced; waiting for its exit must keep the process alive.
        current.kill("SIGKILL");
      });
    },
  };
}
