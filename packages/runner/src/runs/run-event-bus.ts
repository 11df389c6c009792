import { EventEmitter } from "node:events";
import type { RunEvent } from "@tandem/engine";

/** A run event with its order in the run (the SSE event id a client resumes from). */
export interface SequencedRunEvent {
  seq: number;
  event: RunEvent;
}

/**
 * Live fan-out of run events to whoever watches a run (SSE streams, the CLI). Persistence is separate:
 * the recorder stores every event, so a late subscriber replays from the database, then follows here.
 * In scaled mode this port is backed by Redis pub/sub; in embedded mode by an in-process emitter.
 */
export interface RunEventBus {
  publish(runId: string, event: SequencedRunEvent): void;
  subscribe(runId: string, listener: (event: SequencedRunEvent) => void): () => void;
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
      return () => emitter.off(runId, listener);
    },
  };
}
