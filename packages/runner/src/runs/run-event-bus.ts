import { EventEmitter } from "node:events";
import type { RunEvent } from "@tandem/engine";

/** A run event with its order in the run (the SSE event id a client resumes from). */
export interface SequencedRunEvent {
  seq: number;
  event: RunEvent;
}

/** Stops delivery to the listener when called (calling it again is harmless). */
export interface RunEventSubscription {
  (): void;
  /**
   * Resolves once events published from now on reach the listener (Redis: the SUBSCRIBE is acknowledged).
   * A stream that replays stored events should await it before reading them, so no event falls in between.
   */
  readonly ready: Promise<void>;
}

/**
 * Live fan-out of run events to whoever watches a run (SSE streams, the CLI). Persistence is separate:
 * the recorder stores every event, so a late subscriber replays from the database, then follows here.
 * In scaled mode this port is backed by Redis pub/sub (redis-run-event-bus.ts); in embedded mode by an
 * in-process emitter. Delivery is at most once and in publishing order per publisher.
 */
export interface RunEventBus {
  publish(runId: string, event: SequencedRunEvent): void;
  subscribe(runId: string, listener: (event: SequencedRunEvent) => void): RunEventSubscription;
  /** Releases the bus's connections (Redis; the in-process bus has none). Call it last: the bus is done. */
  close(): Promise<void>;
}

export function createInProcessRunEventBus(): RunEventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish(runId, event) {
      emitter.emit(runId, event);
    },
    subscribe(runId, listener) {
      emitter.on(runId, listener);
      return Object.assign(() => void emitter.off(runId, listener), { ready: Promise.resolve() });
    },
    async close() {
      // Nothing to release.
    },
  };
}
