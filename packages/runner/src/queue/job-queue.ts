import type { z } from "zod";

/** Job names mapped to the zod schema of their payload. Payloads carry ids, never documents. */
export type JobCatalog = Record<string, z.ZodTypeAny>;
export type JobName<C extends JobCatalog> = keyof C & string;
export type JobPayload<C extends JobCatalog, N extends JobName<C>> = z.infer<C[N]>;

export interface JobContext {
  readonly jobId: string;
  readonly name: string;
  /** 1 on the first try, 2 on the first retry, … */
  readonly attempt: number;
  /** Aborted when the job is cancelled or the queue shuts down past its grace period. */
  readonly signal: AbortSignal;
  /** Reports progress, 0–100, visible through `getJob`. */
  readonly reportProgress: (percent: number) => Promise<void>;
}

export type JobHandler<P> = (payload: P, context: JobContext) => Promise<unknown>;
export type JobHandlers<C extends JobCatalog> = { [N in JobName<C>]: JobHandler<JobPayload<C, N>> };

export interface Backoff {
  type: "fixed" | "exponential";
  /** Delay before the first retry; exponential doubles it for each further retry. */
  delayMs: number;
}

export interface EnqueueOptions {
  /** A caller-chosen id makes enqueueing idempotent: a second enqueue with the same id is ignored. */
  jobId?: string;
  /** Total tries, the first included (default 3). */
  attempts?: number;
  backoff?: Backoff;
  /** Start no earlier than this many milliseconds from now. */
  delayMs?: number;
}

export type JobStatus = "waiting" | "delayed" | "active" | "completed" | "failed" | "cancelled";

export interface JobSnapshot {
  id: string;
  name: string;
  payload: unknown;
  status: JobStatus;
  /** Tries made so far that ended (succeeded, failed or were cancelled). */
  attemptsMade: number;
  progress: number;
  result?: unknown;
  error?: string;
  createdAt: number;
  finishedAt?: number;
}

export interface ProcessOptions {
  /** Jobs run at once by this process. */
  concurrency: number;
}

export interface CloseOptions {
  /**
   * How long in-flight jobs may take to finish. Past it they are aborted and returned to the queue
   * (their try does not count) so another worker, or this one after a restart, runs them again.
   */
  timeoutMs?: number;
}

export interface QueueHealth {
  ok: boolean;
  kind: JobQueue<JobCatalog>["kind"];
  error?: string;
}

/**
 * The job-queue port. Two adapters implement it (BullMQ on Redis, and in-process) and both pass the
 * same contract suite (queue/job-queue.contract.ts).
 */
export interface JobQueue<C extends JobCatalog> {
  readonly kind: "bullmq" | "in-process";
  /** Validates the payload against the catalog and enqueues; returns the job id. */
  enqueue<N extends JobName<C>>(name: N, payload: JobPayload<C, N>, options?: EnqueueOptions): Promise<string>;
  /** Enqueues many jobs in one round trip. */
  enqueueMany<N extends JobName<C>>(
    jobs: ReadonlyArray<{ name: N; payload: JobPayload<C, N>; options?: EnqueueOptions }>,
  ): Promise<string[]>;
  /** Starts taking jobs in this process. Call at most once. */
  process(handlers: JobHandlers<C>, options: ProcessOptions): Promise<void>;
  getJob(id: string): Promise<JobSnapshot | null>;
  /** Cancels a waiting, delayed or running job. Returns false when it had already ended or does not exist. */
  cancel(id: string): Promise<boolean>;
  health(): Promise<QueueHealth>;
  /** Stops taking jobs, lets in-flight ones finish (see CloseOptions), and releases connections. */
  close(options?: CloseOptions): Promise<void>;
}

/**
 * The reason a queue aborts a running job's signal with when its process shuts down past the grace
 * period. Unlike a cancellation it is no verdict on the job: the job goes back to the queue and runs
 * again, so a handler should leave its work resumable rather than record it as stopped.
 */
export const SHUTDOWN_REASON = "shutdown";

/** Whether `signal` was aborted because the process is shutting down (see SHUTDOWN_REASON). */
export function isShutdownAbort(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason === SHUTDOWN_REASON;
}

export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF: Backoff = { type: "exponential", delayMs: 1000 };

export function backoffDelay(backoff: Backoff, retryNumber: number): number {
  return backoff.type === "fixed" ? backoff.delayMs : backoff.delayMs * 2 ** (retryNumber - 1);
}
