import { LocalModelError } from "./local-model-error.ts";

/**
 * Runs tasks one at a time, first in first out. A task whose signal aborts while it waits is
 * rejected at once and skipped when its turn comes, so it never holds up the tasks behind it.
 */
export interface SerialQueue {
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Tasks waiting or running. */
  readonly size: number;
}

export function createSerialQueue(): SerialQueue {
  let tail: Promise<void> = Promise.resolve();
  let size = 0;

  function run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortedWhileQueued());
    size += 1;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const onAbort = (): void => {
        if (settled) return;
        settled = true;
        reject(abortedWhileQueued());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      tail = tail.then(async () => {
        signal?.removeEventListener("abort", onAbort);
        try {
          if (settled) return;
          settled = true;
          // Resolving with the task's promise hands its result or its error to the caller as is.
          const running = Promise.resolve().then(task);
          resolve(running);
          await running.catch(() => undefined);
        } finally {
          size -= 1;
        }
      });
    });
  }

  return {
    run,
    get size() {
      return size;
    },
  };
}

function abortedWhileQueued(): LocalModelError {
  return new LocalModelError("aborted", "The request was aborted while it waited for the model.");
}
