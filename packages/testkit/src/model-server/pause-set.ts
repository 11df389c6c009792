import type { ServerResponse } from "node:http";

/**
 * The server's pending waits (latency, delay rules, stream pacing). A wait ends early when its client
 * disconnects or the server closes, so no timer outlives a test. One set per server rather than an
 * AbortSignal listener per wait, which would trip Node's listener-leak warning under concurrent load.
 */
export class PauseSet {
  #pending = new Set<() => void>();
  #closed = false;

  /** Resolves true after `ms`, or false as soon as the client has gone or the server is closing. */
  wait(ms: number, response: ServerResponse): Promise<boolean> {
    if (this.#closed || response.destroyed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (completed: boolean): void => {
        clearTimeout(timer);
        response.off("close", abandon);
        this.#pending.delete(abandon);
        resolve(completed);
      };
      const abandon = (): void => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      response.once("close", abandon);
      this.#pending.add(abandon);
    });
  }

  /** Ends every pending wait (as abandoned) and refuses new ones. */
  cancelAll(): void {
    this.#closed = true;
    for (const abandon of [...this.#pending]) abandon();
  }
}
