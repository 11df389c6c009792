import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { z } from "zod";
import type { EmbeddedPostgresWorkerCommand, EmbeddedPostgresWorkerData, EmbeddedPostgresWorkerMessage } from "./embedded-postgres-worker.ts";

/** A running embedded Postgres, reachable over the plain Postgres wire protocol on loopback. */
export interface EmbeddedPostgres {
  /** `postgresql://…` URL any Postgres client can use. */
  readonly url: string;
  readonly port: number;
  /** True when this process owns the database; false when it attached to one another process serves. */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder for the database files; created if missing. `memory://` keeps everything in memory (tests). */
  dataDir: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Connections the socket server accepts at once. */
  maxConnections?: number;
}

const lockSchema = z.object({ pid: z.number().int(), port: z.number().int() });

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function urlFor(port: number): string {
  return `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
}

/** After this long closing, stop() says it is still waiting (a long statement may be finishing). */
const SLOW_STOP_MS = 15_000;
/** How long a worker that has closed PGlite gets to end by itself before its thread is ended. */
const EXIT_GRACE_MS = 2_000;

/** The worker thread that hosts PGlite, once its socket server listens. */
interface PostgresThread {
  worker: Worker;
  port: number;
  /** Settles with the exit code when the thread has ended, however it ended. */
  exited: Promise<number>;
  /** The uncaught error that ended the thread, if one did. */
  crash: Error | null;
}

/**
 * Starts PGlite (Postgres in WASM) with pgvector and pg_trgm and serves it on 127.0.0.1 with
 * pglite-socket, so every part of Tandem talks plain Postgres in embedded mode too.
 *
 * PGlite executes queries synchronously on the thread that hosts it, so it runs with its socket server
 * in a worker thread (embedded-postgres-worker.ts): this thread only speaks the wire protocol to it over
 * loopback, like any other client, and the database's CPU no longer competes with the caller's.
 *
 * PGlite allows one process per data folder. A lock file (`<dataDir>.lock.json`) records the owner's
 * pid and port: a second process (the CLI while the server runs) attaches to the running instance
 * instead of failing; a stale lock from a crashed process is taken over.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const inMemory = options.dataDir.startsWith("memory://");
  const lockPath = inMemory ? null : `${path.resolve(options.dataDir)}.lock.json`;

  if (lockPath) {
    const existing = await readLock(lockPath);
    // A live pid alone is not proof (pids are reused, e.g. in a restarted container): the port must answer too.
    if (existing && existing.pid !== process.pid && isProcessAlive(existing.pid) && (await portAnswers(existing.port))) {
      return { url: urlFor(existing.port), port: existing.port, owned: false, stop: async () => {} };
    }
    await mkdir(options.dataDir, { recursive: true });
  }

  const thread = await startThread({
    dataDir: inMemory ? options.dataDir : path.resolve(options.dataDir),
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 64,
  });
  const { port } = thread;
  if (lockPath) {
    try {
      await writeFile(lockPath, JSON.stringify({ pid: process.pid, port }));
    } catch (error) {
      await stopThread(thread);
      throw error;
    }
  }

  let stopRequested = false;
  let stopping: Promise<void> | null = null;
  // The thread ending on its own (a WASM abort in PGlite, an uncaught error) leaves every connection
  // refused until Tandem restarts: say so loudly, and drop the lock file so no one attaches to it.
  void thread.exited.then((code) => {
    if (stopRequested) return;
    console.error(
      JSON.stringify({
        level: "error",
        event: "embedded-postgres-exited",
        message: "The embedded Postgres worker thread ended unexpectedly: database connections will fail until Tandem restarts.",
        dataDir: options.dataDir,
        port,
        exitCode: code,
        error: thread.crash ? (thread.crash.stack ?? thread.crash.message) : undefined,
      }),
    );
    if (lockPath) void removeOwnLock(lockPath, port).catch(() => {});
  });

  return {
    url: urlFor(port),
    port,
    owned: true,
    stop() {
      stopRequested = true;
      stopping ??= (async () => {
        try {
          await stopThread(thread);
        } finally {
          if (lockPath) await removeOwnLock(lockPath, port);
        }
      })();
      return stopping;
    },
  };
}

/** Starts the worker thread and waits until its socket server listens; rejects with why it could not. */
function startThread(data: EmbeddedPostgresWorkerData): Promise<PostgresThread> {
  const failure = (detail: string, cause?: unknown) =>
    new Error(`Embedded Postgres could not start (data directory ${data.dataDir}): ${detail}`, cause === undefined ? undefined : { cause });
  let worker: Worker;
  try {
    worker = new Worker(new URL("./embedded-postgres-worker-bootstrap.mjs", import.meta.url), { workerData: data });
  } catch (error) {
    return Promise.reject(failure(`its worker thread did not start (${describe(error)})`, error));
  }
  const exited = new Promise<number>((resolve) => worker.once("exit", resolve));
  const thread: PostgresThread = { worker, port: 0, exited, crash: null };
  // Always listened to: an 'error' event nobody listens to would throw on this thread.
  worker.on("error", (error: Error) => {
    thread.crash = error;
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: { port: number } | Error) => {
      if (settled) return;
      settled = true;
      worker.off("message", onMessage);
      worker.off("error", onError);
      if (!(outcome instanceof Error)) {
        thread.port = outcome.port;
        resolve(thread);
        return;
      }
      // Nothing listens: the thread is ended before the caller hears why.
      void worker.terminate().finally(() => reject(outcome));
    };
    const onMessage = (message: EmbeddedPostgresWorkerMessage) => {
      if (message.type === "ready") settle({ port: message.port });
      else if (message.type === "failed") {
        const cause = Object.assign(new Error(message.message), { stack: message.stack });
        settle(failure(message.message, cause));
      }
    };
    const onError = (error: Error) => settle(failure(error.message, error));
    worker.on("message", onMessage);
    worker.on("error", onError);
    void exited.then((code) => settle(failure(`its worker thread exited with code ${code} before the database was ready`)));
  });
}

/**
 * Asks the worker to close the socket server and PGlite, then waits for the thread to end. The thread is
 * never ended while PGlite may still be writing (a statement that is running finishes first, as it did
 * on the main thread); once PGlite has closed, a thread that lingers is ended.
 */
async function stopThread(thread: PostgresThread): Promise<void> {
  const { worker, exited } = thread;
  const outcome: { failure?: string } = {};
  const closed = new Promise<void>((resolve) => {
    const onMessage = (message: EmbeddedPostgresWorkerMessage) => {
      if (message.type !== "stopped" && message.type !== "stop-failed") return;
      if (message.type === "stop-failed") outcome.failure = message.message;
      worker.off("message", onMessage);
      resolve();
    };
    worker.on("message", onMessage);
  });
  // Posting to a thread that has already ended is a no-op; `exited` then settles the waits below.
  worker.postMessage({ type: "stop" } satisfies EmbeddedPostgresWorkerCommand);
  const done = Promise.race([closed, exited]);
  if (!(await within(done, SLOW_STOP_MS))) {
    console.error(
      JSON.stringify({ level: "warn", event: "embedded-postgres-slow-stop", message: `Embedded Postgres has not closed after ${SLOW_STOP_MS / 1000} s; still waiting for it.` }),
    );
    await done;
  }
  if (!(await within(exited, EXIT_GRACE_MS))) await worker.terminate();
  await exited;
  if (outcome.failure !== undefined) throw new Error(`Embedded Postgres did not close cleanly: ${outcome.failure}`);
}

/** True when `promise` settles within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Removes the lock file if it is still this process's (another process may have taken a stale one over). */
async function removeOwnLock(lockPath: string, port: number): Promise<void> {
  const lock = await readLock(lockPath);
  if (lock && (lock.pid !== process.pid || lock.port !== port)) return;
  await rm(lockPath, { force: true });
}

async function readLock(lockPath: string): Promise<z.infer<typeof lockSchema> | null> {
  try {
    const parsed = lockSchema.safeParse(JSON.parse(await readFile(lockPath, "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
