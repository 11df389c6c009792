import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { prepareDocument, type PreparationRequest, type PreparationResult } from "./prepare-document.ts";

export interface PreparationPool {
  prepare(request: PreparationRequest): Promise<PreparationResult>;
  /** Worker threads in use; 0 means documents are prepared on the calling thread. */
  readonly threads: number;
  close(): Promise<void>;
}

interface Pending {
  resolve(result: PreparationResult): void;
  reject(error: unknown): void;
  /** Sends the request again (its worker died before it could start). */
  retry(): void;
}

interface PooledWorker {
  worker: Worker;
  busy: number;
}

/** Default: one thread per core but one (left for the server and embedded Postgres), at least one, at most four. */
export function defaultPreparationThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/**
 * Parses, chunks and analyzes documents on worker threads. The web server and the job handlers share
 * the main thread (embedded Postgres has a thread of its own, ADR 0018); parsing there would both slow
 * ingestion and freeze API responses while a large PDF is read. A worker that dies is replaced and
 * its documents fail with a clear error instead of hanging. `threads: 0` prepares in-thread (tests of
 * the pure function, or platforms without workers).
 */
export function createPreparationPool(options: { threads?: number } = {}): PreparationPool {
  const size = options.threads ?? defaultPreparationThreads();
  if (size <= 0) return { prepare: prepareDocument, threads: 0, close: async () => {} };
  const entry = new URL("./preparation-worker-bootstrap.mjs", import.meta.url);
  const pending = new Map<number, Pending & { owner: PooledWorker }>();
  const workers: PooledWorker[] = [];
  let nextId = 1;
  let closed = false;
  // Workers that died before answering anything, in a row: past a few, threads are not usable here
  // (a missing loader, a sandbox without threads) and documents are prepared in-thread instead.
  let failedStarts = 0;
  let inThread = false;

  const spawn = (): PooledWorker => {
    const pooled: PooledWorker = { worker: new Worker(entry), busy: 0 };
    let answered = false;
    pooled.worker.unref();
    pooled.worker.on("message", (message: { id: number; result: PreparationResult }) => {
      answered = true;
      failedStarts = 0;
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      pooled.busy -= 1;
      waiting.resolve(message.result);
    });
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      const index = workers.indexOf(pooled);
      if (index !== -1) workers.splice(index, 1);
      if (!answered) failedStarts += 1;
      const retryInThread = !answered && failedStarts >= 3;
      if (retryInThread && !inThread) {
        inThread = true;
        console.error(JSON.stringify({ event: "preparation-threads-unavailable", error: error instanceof Error ? error.message : String(error) }));
      }
      for (const [id, waiting] of pending) {
        if (waiting.owner !== pooled) continue;
        pending.delete(id);
        if (!answered) {
          // The worker never ran: the document is not at fault, so it is prepared again elsewhere.
          waiting.retry();
          continue;
        }
        waiting.resolve({ ok: false, code: "parse_failed", message: `The document parser stopped (${error instanceof Error ? error.message : String(error)}); the file may be malformed or too large. Retry it, or split it.` });
      }
      if (!closed && !inThread) workers.push(spawn());
    };
    pooled.worker.on("error", fail);
    pooled.worker.on("exit", (code) => {
      if (!closed && code !== 0) fail(new Error(`exit code ${code}`));
    });
    return pooled;
  };
  for (let index = 0; index < size; index += 1) workers.push(spawn());

  return {
    threads: size,
    prepare: function prepare(request: PreparationRequest): Promise<PreparationResult> {
      if (closed) return Promise.reject(new Error("The document preparation pool is closed."));
      if (inThread || workers.length === 0) return prepareDocument(request);
      const target = workers.reduce((best, candidate) => (candidate.busy < best.busy ? candidate : best));
      const id = nextId++;
      target.busy += 1;
      return new Promise<PreparationResult>((resolve, reject) => {
        const retry = () => {
          prepare(request).then(resolve, reject);
        };
        pending.set(id, { resolve, reject, retry, owner: target });
        // A database driver's bytes are often a view on a much larger buffer (a whole network read), and
        // posting a view clones all of that buffer: copy just the file, then hand the copy over.
        const bytes = request.bytes.slice();
        target.worker.postMessage({ id, request: { ...request, bytes } }, [bytes.buffer]);
      });
    },
    async close() {
      closed = true;
      for (const waiting of pending.values()) waiting.reject(new Error("The document preparation pool closed."));
      pending.clear();
      await Promise.all(workers.map((pooled) => pooled.worker.terminate()));
    },
  };
}

/** A pool whose threads start on the first document, so processes that never ingest start none. */
export function createLazyPreparationPool(options: { threads?: number | undefined } = {}): PreparationPool {
  let pool: PreparationPool | null = null;
  const threads = options.threads ?? defaultPreparationThreads();
  return {
    threads,
    prepare(request) {
      pool ??= createPreparationPool({ threads });
      return pool.prepare(request);
    },
    async close() {
      await pool?.close();
    },
  };
}
