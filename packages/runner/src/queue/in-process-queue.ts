import { randomUUID } from "node:crypto";
import {
  backoffDelay,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF,
  type CloseOptions,
  type EnqueueOptions,
  type JobCatalog,
  type JobHandlers,
  type JobName,
  type JobPayload,
  type JobQueue,
  type JobSnapshot,
  type ProcessOptions,
  type QueueHealth,
  SHUTDOWN_REASON as SHUTDOWN,
} from "./job-queue.ts";
import { QueueError } from "./queue-error.ts";
import { validatePayload } from "./validate-payload.ts";

interface Entry {
  snapshot: JobSnapshot;
  attempts: number;
  backoff: EnqueueOptions["backoff"] & object;
  timer?: NodeJS.Timeout;
  controller?: AbortController;
  settled?: Promise<void>;
}

const CANCELLED = "cancelled";
/** Finished jobs kept for `getJob`; the oldest are forgotten past this. */
const FINISHED_JOBS_KEPT = 20_000;

export interface InProcessQueueOptions<C extends JobCatalog> {
  catalog: C;
}

/**
 * The in-process adapter: jobs run inside the same Node process (embedded mode, like n8n's regular
 * mode). Nothing survives a restart; work that must (runs, ingestion) is recovered from the database.
 */
export function createInProcessQueue<C extends JobCatalog>(options: InProcessQueueOptions<C>): JobQueue<C> {
  const { catalog } = options;
  const jobs = new Map<string, Entry>();
  const waiting: string[] = [];
  const finished: string[] = [];
  let handlers: JobHandlers<C> | null = null;
  let concurrency = 1;
  let active = 0;
  let closing = false;
  let idleWaiters: Array<() => void> = [];

  function add(name: string, payload: unknown, enqueueOptions: EnqueueOptions = {}): string {
    if (closing) throw new QueueError("queue_closed", "The queue is shutting down and takes no new jobs.");
    const data = validatePayload(catalog, name as JobName<C>, payload);
    const id = enqueueOptions.jobId ?? randomUUID();
    if (jobs.has(id)) return id;
    const delayed = (enqueueOptions.delayMs ?? 0) > 0;
    const entry: Entry = {
      snapshot: { id, name, payload: data, status: delayed ? "delayed" : "waiting", attemptsMade: 0, progress: 0, createdAt: Date.now() },
      attempts: Math.max(1, enqueueOptions.attempts ?? DEFAULT_ATTEMPTS),
      backoff: enqueueOptions.backoff ?? DEFAULT_BACKOFF,
    };
    jobs.set(id, entry);
    if (delayed) schedule(entry, enqueueOptions.delayMs ?? 0);
    else waiting.push(id);
    return id;
  }

  function schedule(entry: Entry, delayMs: number): void {
    entry.snapshot.status = "delayed";
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (entry.snapshot.status !== "delayed") return;
      entry.snapshot.status = "waiting";
      waiting.push(entry.snapshot.id);
      pump();
    }, delayMs);
    entry.timer.unref();
  }

  function finish(entry: Entry, status: "completed" | "failed" | "cancelled"): void {
    entry.snapshot.status = status;
    entry.snapshot.finishedAt = Date.now();
    finished.push(entry.snapshot.id);
    if (finished.length > FINISHED_JOBS_KEPT) {
      const forgotten = finished.splice(0, finished.length - FINISHED_JOBS_KEPT);
      for (const id of forgotten) jobs.delete(id);
    }
  }

  function pump(): void {
    while (handlers && !closing && active < concurrency && waiting.length > 0) {
      const id = waiting.shift();
      const entry = id === undefined ? undefined : jobs.get(id);
      if (!entry || entry.snapshot.status !== "waiting") continue;
      active += 1;
      entry.settled = run(entry, handlers).finally(() => {
        active -= 1;
        if (active === 0) for (const wake of idleWaiters.splice(0)) wake();
        pump();
      });
    }
  }

  async function run(entry: Entry, jobHandlers: JobHandlers<C>): Promise<void> {
    const { snapshot } = entry;
    const controller = new AbortController();
    entry.controller = controller;
    snapshot.status = "active";
    const handler = jobHandlers[snapshot.name as JobName<C>];
    try {
      const payload = validatePayload(catalog, snapshot.name as JobName<C>, snapshot.payload);
      const result = await handler(payload, {
        jobId: snapshot.id,
        name: snapshot.name,
        attempt: snapshot.attemptsMade + 1,
        signal: controller.signal,
        reportProgress: async (percent) => {
          snapshot.progress = Math.max(0, Math.min(100, percent));
        },
      });
      snapshot.attemptsMade += 1;
      if (controller.signal.reason === CANCELLED) {
        finish(entry, "cancelled");
        return;
      }
      snapshot.result = result;
      snapshot.error = undefined;
      finish(entry, "completed");
    } catch (error) {
      if (controller.signal.reason === SHUTDOWN) {
        // Returned to the queue: this try does not count.
        snapshot.status = "waiting";
        waiting.unshift(snapshot.id);
        return;
      }
      snapshot.attemptsMade += 1;
      snapshot.error = error instanceof Error ? error.message : String(error);
      if (controller.signal.reason === CANCELLED) finish(entry, "cancelled");
      else if (snapshot.attemptsMade < entry.attempts) schedule(entry, backoffDelay(entry.backoff, snapshot.attemptsMade));
      else finish(entry, "failed");
    } finally {
      entry.controller = undefined;
    }
  }

  function whenIdle(): Promise<void> {
    return active === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
  }

  return {
    kind: "in-process",

    async enqueue<N extends JobName<C>>(name: N, payload: JobPayload<C, N>, enqueueOptions?: EnqueueOptions) {
      const id = add(name, payload, enqueueOptions);
      pump();
      return id;
    },

    async enqueueMany(items) {
      const ids = items.map((item) => add(item.name, item.payload, item.options));
      pump();
      return ids;
    },

    async process(jobHandlers: JobHandlers<C>, processOptions: ProcessOptions) {
      if (handlers) throw new QueueError("already_processing", "This queue is already processing jobs.");
      if (!Number.isInteger(processOptions.concurrency) || processOptions.concurrency < 1) {
        throw new QueueError("config_invalid", "Concurrency must be a whole number of at least 1.");
      }
      handlers = jobHandlers;
      concurrency = processOptions.concurrency;
      pump();
    },

    async getJob(id) {
      const entry = jobs.get(id);
      return entry ? structuredClone(entry.snapshot) : null;
    },

    async cancel(id) {
      const entry = jobs.get(id);
      if (!entry) return false;
      const { status } = entry.snapshot;
      if (status === "waiting" || status === "delayed") {
        if (entry.timer) clearTimeout(entry.timer);
        const index = waiting.indexOf(id);
        if (index >= 0) waiting.splice(index, 1);
        finish(entry, "cancelled");
        return true;
      }
      if (status === "active") {
        entry.controller?.abort(CANCELLED);
        return true;
      }
      return false;
    },

    async health(): Promise<QueueHealth> {
      return { ok: !closing, kind: "in-process", ...(closing ? { error: "shutting down" } : {}) };
    },

    async close(closeOptions: CloseOptions = {}) {
      closing = true;
      const timeoutMs = closeOptions.timeoutMs ?? 30_000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        whenIdle().then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        const running = [...jobs.values()].filter((entry) => entry.snapshot.status === "active");
        for (const entry of running) entry.controller?.abort(SHUTDOWN);
        await Promise.all(running.flatMap((entry) => (entry.settled ? [entry.settled] : [])));
      }
      for (const entry of jobs.values()) if (entry.timer) clearTimeout(entry.timer);
      idleWaiters = [];
    },
  };
}
