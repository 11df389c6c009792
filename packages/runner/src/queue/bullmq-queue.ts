import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { Queue, UnrecoverableError, WaitingError, Worker, type Job, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import {
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF,
  SHUTDOWN_REASON as SHUTDOWN,
  type CloseOptions,
  type EnqueueOptions,
  type JobCatalog,
  type JobHandlers,
  type JobName,
  type JobPayload,
  type JobQueue,
  type JobSnapshot,
  type JobStatus,
  type ProcessOptions,
  type QueueHealth,
} from "./job-queue.ts";
import { QueueError } from "./queue-error.ts";
import { validatePayload } from "./validate-payload.ts";

const CANCELLED = "cancelled";
/** How long a cancelled job's record outlives it. */
const CANCEL_MARK_TTL_S = 7 * 24 * 3600;
/** BullMQ's own default lock duration and stalled-check interval. */
export const DEFAULT_LOCK_DURATION_MS = 30_000;

export interface BullmqQueueOptions<C extends JobCatalog> {
  catalog: C;
  /** `redis://…` */
  redisUrl: string;
  /** Queue name (default "tandem"). */
  name?: string;
  /** Redis key prefix (default "tandem"); tests use a unique one each. */
  prefix?: string;
  /**
   * How long a worker's lock on a running job lasts (renewed every half of it), and how often workers
   * look for stalled jobs: active jobs whose lock has lapsed because their worker died. A stalled job
   * goes straight back to the wait list (no backoff, no try spent) and another worker takes it, within
   * about twice this. Default 30 s, BullMQ's.
   */
  lockDurationMs?: number;
  /**
   * How many times one job may be recovered from a stall before it fails as "job stalled more than
   * allowable limit" (a job that kills every worker that takes it must not kill them all). Default 1.
   */
  maxStalledCount?: number;
}

/**
 * The BullMQ adapter (scaled mode): jobs live in Redis and any number of worker processes take them.
 * Cancelling a running job reaches the worker that runs it through Redis pub/sub.
 */
export function createBullmqQueue<C extends JobCatalog>(options: BullmqQueueOptions<C>): JobQueue<C> {
  const { catalog } = options;
  const name = options.name ?? "tandem";
  const prefix = options.prefix ?? "tandem";
  const cancelChannel = `${prefix}:${name}:cancel`;
  const cancelKey = (id: string) => `${prefix}:${name}:cancelled:${id}`;
  const lockDurationMs = options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS;
  const maxStalledCount = options.maxStalledCount ?? 1;
  if (!Number.isInteger(lockDurationMs) || lockDurationMs < 100) {
    throw new QueueError("config_invalid", `The job lock duration must be a whole number of milliseconds, at least 100 (got ${lockDurationMs}).`);
  }
  if (!Number.isInteger(maxStalledCount) || maxStalledCount < 1) {
    throw new QueueError("config_invalid", `maxStalledCount must be a whole number of at least 1, so that a job whose worker died runs again (got ${maxStalledCount}).`);
  }

  // Commands from the producer side fail fast; the worker's blocking connection must retry forever.
  const commands = new Redis(options.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: false });
  const queue = new Queue(name, { connection: commands, prefix });
  let worker: Worker | null = null;
  let subscriber: Redis | null = null;
  let closing = false;

  function jobOptions(enqueueOptions: EnqueueOptions = {}): JobsOptions {
    const backoff = enqueueOptions.backoff ?? DEFAULT_BACKOFF;
    return {
      jobId: enqueueOptions.jobId ?? randomUUID(),
      attempts: Math.max(1, enqueueOptions.attempts ?? DEFAULT_ATTEMPTS),
      backoff: { type: backoff.type, delay: backoff.delayMs },
      ...(enqueueOptions.delayMs ? { delay: enqueueOptions.delayMs } : {}),
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }

  function assertOpen(): void {
    if (closing) throw new QueueError("queue_closed", "The queue is shutting down and takes no new jobs.");
  }

  /** `state` and `job` must describe the same moment (see getJob). */
  function toSnapshot(job: Job, state: string): JobSnapshot {
    const cancelled = state === "failed" && job.failedReason === CANCELLED;
    const status: JobStatus = cancelled ? "cancelled" : mapState(state);
    return {
      id: String(job.id),
      name: job.name,
      payload: job.data,
      status,
      attemptsMade: job.attemptsMade,
      progress: typeof job.progress === "number" ? job.progress : 0,
      ...(status === "completed" ? { result: job.returnvalue } : {}),
      ...(job.failedReason && !cancelled ? { error: job.failedReason } : {}),
      createdAt: job.timestamp,
      ...(job.finishedOn ? { finishedAt: job.finishedOn } : {}),
    };
  }

  return {
    kind: "bullmq",

    async enqueue<N extends JobName<C>>(jobName: N, payload: JobPayload<C, N>, enqueueOptions?: EnqueueOptions) {
      assertOpen();
      const data = validatePayload(catalog, jobName, payload);
      const job = await queue.add(jobName, data, jobOptions(enqueueOptions));
      return String(job.id);
    },

    async enqueueMany(items) {
      assertOpen();
      const jobs = await queue.addBulk(
        items.map((item) => ({ name: item.name, data: validatePayload(catalog, item.name, item.payload), opts: jobOptions(item.options) })),
      );
      return jobs.map((job) => String(job.id));
    },

    async process(handlers: JobHandlers<C>, processOptions: ProcessOptions) {
      if (worker) throw new QueueError("already_processing", "This queue is already processing jobs.");
      if (!Number.isInteger(processOptions.concurrency) || processOptions.concurrency < 1) {
        throw new QueueError("config_invalid", "Concurrency must be a whole number of at least 1.");
      }
      worker = new Worker(
        name,
        async (job: Job, token?: string, signal?: AbortSignal) => {
          const handler = handlers[job.name as JobName<C>];
          const controllerSignal = signal ?? new AbortController().signal;
          try {
            const payload = validatePayload(catalog, job.name as JobName<C>, job.data);
            return await handler(payload, {
              jobId: String(job.id),
              name: job.name,
              attempt: job.attemptsMade + 1,
              signal: controllerSignal,
              reportProgress: (percent) => job.updateProgress(Math.max(0, Math.min(100, percent))),
            });
          } catch (error) {
            if (controllerSignal.reason === SHUTDOWN) {
              // Back to the queue without spending a try; another worker takes it.
              await job.moveToWait(token);
              throw new WaitingError();
            }
            if (controllerSignal.reason === CANCELLED) throw new UnrecoverableError(CANCELLED);
            if (error instanceof QueueError && error.code === "invalid_payload") throw new UnrecoverableError(error.message);
            throw error;
          }
        },
        {
          connection: new Redis(options.redisUrl, { maxRetriesPerRequest: null }),
          prefix,
          concurrency: processOptions.concurrency,
          // Recorded on each job it takes (BullMQ's processedBy), so an operator can tell which process ran it.
          name: `${hostname()}:${process.pid}`,
          lockDuration: lockDurationMs,
          stalledInterval: lockDurationMs,
          maxStalledCount,
          autorun: true,
        },
      );
      worker.on("error", () => {
        // Connection errors are retried by ioredis; health() reports them.
      });
      subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
      subscriber.on("message", (_channel: string, jobId: string) => {
        worker?.cancelJob(jobId, CANCELLED);
      });
      await subscriber.subscribe(cancelChannel);
      await worker.waitUntilReady();
    },

    async getJob(id) {
      // A job moves while we read it: read its state, its fields, then its state again, until the two
      // states agree (a few tries at most), so the snapshot never mixes two moments.
      let latest: JobSnapshot | null = null;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const state = await queue.getJobState(id);
        if (state === "unknown") break;
        const job = await queue.getJob(id);
        if (!job) break;
        latest = toSnapshot(job, state);
        if ((await queue.getJobState(id)) === state) return latest;
      }
      if (latest) return latest;
      const mark = await commands.get(cancelKey(id));
      return mark ? (JSON.parse(mark) as JobSnapshot) : null;
    },

    async cancel(id) {
      const job = await queue.getJob(id);
      if (!job) return false;
      const state = await job.getState();
      if (state === "waiting" || state === "delayed" || state === "prioritized" || state === "waiting-children") {
        const snapshot: JobSnapshot = { ...toSnapshot(job, state), status: "cancelled", finishedAt: Date.now() };
        await job.remove();
        await commands.set(cancelKey(id), JSON.stringify(snapshot), "EX", CANCEL_MARK_TTL_S);
        return true;
      }
      if (state === "active") {
        await commands.publish(cancelChannel, id);
        return true;
      }
      return false;
    },

    async health(): Promise<QueueHealth> {
      try {
        await commands.ping();
        return { ok: true, kind: "bullmq" };
      } catch (error) {
        return { ok: false, kind: "bullmq", error: error instanceof Error ? error.message : String(error) };
      }
    },

    async close(closeOptions: CloseOptions = {}) {
      closing = true;
      if (worker) {
        const closingWorker = worker;
        const timeoutMs = closeOptions.timeoutMs ?? 30_000;
        const closed = closingWorker.close();
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          closed.then(() => false),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), timeoutMs);
          }),
        ]);
        clearTimeout(timer);
        if (timedOut) {
          closingWorker.cancelAllJobs(SHUTDOWN);
          await closed;
        }
        await closingWorker.disconnect();
      }
      await subscriber?.quit().catch(() => undefined);
      await queue.close();
      await commands.quit().catch(() => undefined);
    },
  };
}

function mapState(state: string): JobStatus {
  switch (state) {
    case "active":
    case "completed":
    case "failed":
    case "delayed":
      return state;
    default:
      // waiting, prioritized, waiting-children, unknown (between moves)
      return "waiting";
  }
}
