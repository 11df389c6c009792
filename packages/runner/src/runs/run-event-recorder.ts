import type { RunEvent } from "@tandem/engine";
import type { PrismaClient } from "@tandem/db";
import type { RunEventBus } from "./run-event-bus.ts";
import type { RunWriteBatcher, RunWrites } from "./run-write-batcher.ts";

/** A run's final state, stored with its last event. */
export type RunFinalState = Omit<RunWrites["runUpdates"][number], "id">;

export interface RunEventRecorder {
  /** The engine's event sink: never throws, never waits. */
  readonly record: (event: RunEvent) => void;
  /** Writes what is buffered (the run's last event excepted: see finish). */
  readonly flush: () => Promise<void>;
  /** Queues what is buffered for writing and returns at once (what is queued later is written after it). */
  readonly enqueue: () => void;
  /** A change of the run row (its move to running), written with the next events rather than on its own. */
  readonly markRunning: (state: RunFinalState) => void;
  /**
   * Writes what is left, the run's last event (run-end, run-error), the run row's final state and any
   * `also` rows (the deletion of its checkpoints) in one statement, then publishes that last event:
   * whoever hears it finds the run finished.
   */
  readonly finish: (finalState?: RunFinalState, also?: Pick<Partial<RunWrites>, "checkpointDeletes">) => Promise<void>;
}

const FLUSH_EVERY_MS = 25;
const FLUSH_AT_EVENTS = 200;

const iso = (at: number) => new Date(at).toISOString();

function eventRows(workspaceId: string, runId: string, batch: Array<{ seq: number; event: RunEvent }>): Partial<RunWrites> {
  return {
    events: batch.map(({ seq, event }) => ({ workspace_id: workspaceId, run_id: runId, seq, type: event.type, data: event, created_at: iso(event.at) })),
    nodeExecutions: batch.flatMap(({ event }) =>
      event.type === "node-end"
        ? [
            {
              workspace_id: workspaceId,
              run_id: runId,
              node_id: event.nodeId,
              node_type: event.nodeType,
              title: event.title,
              index: event.index,
              iteration_index: event.iterationIndex ?? null,
              status: event.status,
              attempt: event.attempt,
              inputs: event.inputs,
              outputs: event.outputs,
              error: event.error ?? null,
              // Which model answered, why fallbacks happened, and how fast it was.
              model: event.usage?.model ? { ...event.usage.model, timeToFirstTokenMs: event.usage.timeToFirstTokenMs, tokensPerSecond: event.usage.tokensPerSecond } : null,
              tokens_in: event.usage?.tokensIn ?? 0,
              tokens_out: event.usage?.tokensOut ?? 0,
              cost: event.usage?.cost ?? 0,
              started_at: iso(event.at - event.elapsedMs),
              finished_at: iso(event.at),
              elapsed_ms: event.elapsedMs,
            },
          ]
        : [],
    ),
  };
}

/**
 * Persists a run's events (run_events, in order, with a per-run sequence number) and its node
 * executions (one row per finished node) through the run write batcher, and publishes each event live
 * as it happens. Events wait up to 25 ms to be written together unless a checkpoint (same batcher,
 * later in the queue) or the run's end takes them sooner.
 */
export async function createRunEventRecorder(options: {
  prisma: PrismaClient;
  batcher: RunWriteBatcher;
  bus: RunEventBus;
  runId: string;
  workspaceId: string;
  /** The run's last stored sequence number when the caller knows it (0 for a run never started); read otherwise. */
  lastSeq?: number;
  onError?: (error: unknown) => void;
}): Promise<RunEventRecorder> {
  const { prisma, batcher, bus, runId, workspaceId } = options;
  let seq = options.lastSeq ?? (await prisma.runEvent.aggregate({ where: { runId }, _max: { seq: true } }))._max.seq ?? 0;
  let events: Array<{ seq: number; event: RunEvent }> = [];
  let last: { seq: number; event: RunEvent } | undefined;
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  let initialRunUpdate: RunFinalState | undefined;
  /** The rows of a write, with the initial run update on the first one. */
  const withInitial = (rows: Partial<RunWrites>): Partial<RunWrites> => {
    if (initialRunUpdate === undefined) return rows;
    const update = { id: runId, ...initialRunUpdate };
    initialRunUpdate = undefined;
    return { ...rows, runUpdates: [update, ...(rows.runUpdates ?? [])] };
  };

  function clearTimer(): void {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
  }

  function flush(): Promise<void> {
    clearTimer();
    const batch = events;
    events = [];
    if (batch.length > 0) {
      // Queued now, in order with whatever the run writes next (its checkpoint waits behind it).
      const committed = batcher.write(withInitial(eventRows(workspaceId, runId, batch)));
      writing = writing.then(() => committed).catch((error: unknown) => options.onError?.(error));
    }
    return writing;
  }

  function flushSoon(): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      void flush();
    }, FLUSH_EVERY_MS);
  }

  async function finish(finalState?: RunFinalState, also: Pick<Partial<RunWrites>, "checkpointDeletes"> = {}): Promise<void> {
    clearTimer();
    const batch = last ? [...events, last] : events;
    events = [];
    const held = last;
    last = undefined;
    const committed = batcher.write(withInitial({ ...eventRows(workspaceId, runId, batch), ...(finalState ? { runUpdates: [{ id: runId, ...finalState }] } : {}), ...also }));
    writing = writing.then(() => committed).catch((error: unknown) => options.onError?.(error));
    await writing;
    if (held) bus.publish(runId, held);
  }

  return {
    record: (event) => {
      seq += 1;
      const sequenced = { seq, event };
      if (event.type === "run-end" || event.type === "run-error") {
        // Held until finish(): published once the run row says the run is over.
        last = sequenced;
        return;
      }
      events.push(sequenced);
      bus.publish(runId, sequenced);
      if (events.length >= FLUSH_AT_EVENTS) void flush();
      else flushSoon();
    },
    flush,
    enqueue: () => void flush(),
    markRunning: (state) => {
      initialRunUpdate = state;
    },
    finish,
  };
}

/**
 * Ends a run that no worker will end (stopped while still queued, or given up after its last try): its
 * last event and final state stored together, then the event published, so watchers stop waiting.
 */
export async function recordRunEnd(
  options: Omit<Parameters<typeof createRunEventRecorder>[0], "lastSeq">,
  event: Extract<RunEvent, { type: "run-end" | "run-error" }>,
  finalState?: RunFinalState,
): Promise<void> {
  const recorder = await createRunEventRecorder(options);
  recorder.record(event);
  await recorder.finish(finalState);
}
