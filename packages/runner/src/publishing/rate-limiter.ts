import { PublishingError } from "./publishing-error.ts";

/** A key's limits; null means unlimited. */
export interface KeyLimits {
  rateLimitPerMin: number | null;
  concurrencyLimit: number | null;
}

/** Held while a request runs; release it when the request ends (calling it twice is harmless). */
export interface RateLimitLease {
  release(): void;
}

/**
 * Per-key request limits. `acquire` counts a request against the key's per-minute window and takes a
 * concurrency slot, or throws a too_many_requests PublishingError with `retryAfterSeconds`.
 *
 * The in-process implementation below is right for the embedded mode (one process). Scaled mode, with
 * several web processes, uses the Redis one (redis-rate-limiter.ts), with the same answers.
 */
export interface RateLimiter {
  acquire(keyId: string, limits: KeyLimits): Promise<RateLimitLease>;
}

const WINDOW_MS = 60_000;

/** The refusals every limiter gives: over the per-minute rate (retry once the window frees a slot) or at the concurrency limit. */
export function tooManyRequests(limits: KeyLimits, reason: "rate" | "concurrency", waitMs = 1_000): PublishingError {
  return reason === "rate"
    ? new PublishingError("too_many_requests", `This key allows ${limits.rateLimitPerMin} requests a minute; slow down.`, { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) })
    : new PublishingError("too_many_requests", `This key allows ${limits.concurrencyLimit} requests at a time; wait for one to finish.`, { retryAfterSeconds: 1 });
}

interface KeyState {
  /** Start times of the requests in the last minute, oldest first. */
  starts: number[];
  active: number;
}

/** A sliding-window (request log) limiter and a concurrency gate per key, in this process's memory. */
export function createInProcessRateLimiter(options: { now?: () => number } = {}): RateLimiter {
  const now = options.now ?? Date.now;
  const states = new Map<string, KeyState>();

  const forget = (keyId: string, state: KeyState) => {
    if (state.active === 0 && state.starts.length === 0) states.delete(keyId);
  };

  return {
    acquire(keyId, limits) {
      const time = now();
      const state = states.get(keyId) ?? { starts: [], active: 0 };
      while (state.starts.length > 0 && (state.starts[0] ?? 0) <= time - WINDOW_MS) state.starts.shift();
      if (limits.rateLimitPerMin !== null && state.starts.length >= limits.rateLimitPerMin) {
        // The window frees a slot when the request rateLimitPerMin places back leaves it.
        const freedAt = (state.starts[state.starts.length - limits.rateLimitPerMin] ?? time) + WINDOW_MS;
        forget(keyId, state);
        return Promise.reject(tooManyRequests(limits, "rate", freedAt - time));
      }
      if (limits.concurrencyLimit !== null && state.active >= limits.concurrencyLimit) {
        forget(keyId, state);
        return Promise.reject(tooManyRequests(limits, "concurrency"));
      }
      // Only rate-limited keys need the request log; an unlimited one would grow it for nothing.
      if (limits.rateLimitPerMin !== null) state.starts.push(time);
      state.active += 1;
      states.set(keyId, state);
      let released = false;
      return Promise.resolve({
        release() {
          if (released) return;
          released = true;
          state.active -= 1;
          const cutoff = now() - WINDOW_MS;
          while (state.starts.length > 0 && (state.starts[0] ?? 0) <= cutoff) state.starts.shift();
          if (states.get(keyId) === state) forget(keyId, state);
        },
      });
    },
  };
}
