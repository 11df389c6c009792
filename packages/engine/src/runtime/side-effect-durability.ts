/**
 * When a run's finished side effects must be made durable (ADR 0019). A resumed run must never repeat a
 * side effect (a model call, an HTTP request) that finished, so before the next one starts, the
 * checkpoint recording the earlier ones is stored. Nothing else forces a write: a checkpoint holding
 * only pure work is cheaper to recompute than to store, and a run that ends before any of this has
 * its outcome stored with its last event anyway.
 */
export interface SideEffectDurability {
  /**
   * A LangGraph step that ran a node with side effects returned: its result is in that step's writes,
   * which LangGraph hands to the checkpointer next.
   */
  finished(): void;
  /** Awaited before a side effect starts: stores what earlier side effects left unsecured, if anything. */
  beforeSideEffect(): Promise<void>;
  /** The run is over in this process: no more background stores. */
  close(): void;
}

/**
 * `secure` stores the run's latest checkpoint. It runs before a side effect that follows an unsecured
 * one, and in the background `securedWithinMs` after a side effect finished when no other side effect
 * came to force it sooner (a long tail of pure nodes, or a run waiting on a slow parallel branch), so a
 * process that dies then loses no finished call. A background failure is reported by the next
 * `beforeSideEffect`, which fails that node rather than risking a repeat.
 */
export function createSideEffectDurability(secure: () => Promise<void>, securedWithinMs = 100): SideEffectDurability {
  let finishedCount = 0;
  let securedCount = 0;
  let timer: NodeJS.Timeout | undefined;
  let backgroundFailure: Error | undefined;
  let closed = false;

  async function secureNow(): Promise<void> {
    const target = finishedCount;
    await secure();
    securedCount = Math.max(securedCount, target);
  }

  return {
    finished() {
      finishedCount += 1;
      if (timer !== undefined || closed) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (closed || finishedCount <= securedCount) return;
        secureNow().catch((error: unknown) => {
          backgroundFailure ??= error instanceof Error ? error : new Error(String(error));
        });
      }, securedWithinMs);
      timer.unref();
    },
    async beforeSideEffect() {
      if (backgroundFailure !== undefined) throw backgroundFailure;
      if (finishedCount > securedCount) await secureNow();
    },
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
