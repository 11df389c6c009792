import { abortError } from "../util/abort-error.ts";

/**
 * A concurrency limit for one model endpoint: a small local server answers one or two requests at a
 * time well and thrashes with more, so the gateway queues the rest in order.
 */
export interface Limiter {
  /** Runs `task` when a slot is free; a waiting task leaves the queue when `signal` aborts. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly active: number;
  readonly waiting: number;
}

export function createLimiter(maxConcurrency: number): Limiter {
  let active = 0;
  const queue: Array<() => void> = [];

  const release = () => {
    active -= 1;
    const next = queue.shift();
    if (next !== undefined) next();
  };

  const acquire = (signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (active < maxConcurrency) {
      active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const start = () => {
        signal?.removeEventListener("abort", onAbort);
        active += 1;
        resolve();
      };
      const onAbort = () => {
        const index = queue.indexOf(start);
        if (index >= 0) queue.splice(index, 1);
        reject(abortError(signal));
      };
      queue.push(start);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  };

  return {
    async run(task, signal) {
      await acquire(signal);
      try {
        return await task();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}

/** No limit: for cloud endpoints, whose own rate limits answer 429. */
export function createUnlimited(): Limiter {
  let active = 0;
  return {
    async run(task, signal) {
      signal?.throwIfAborted();
      active += 1;
      try {
        return await task();
      } finally {
        active -= 1;
      }
    },
    get active() {
      return active;
    },
    waiting: 0,
  };
}
