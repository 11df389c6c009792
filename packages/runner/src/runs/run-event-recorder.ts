import type { RunEvent } from "@tandem/engine";
import { toJsonInput, type PrismaClient } from "@tandem/db";
import type { RunEventBus } from "./run-event-bus.ts";

export interface RunEventRecorder {
  /** The engine's event sink: never throws, never waits. */
  readonly record: (event: RunEvent) => void;
  /** Writes what is buffered; call before reporting a run as finished. */
  readonly flush: () => Promise<void>;
}

const FLUSH_EVERY_MS = 25;
const FLUSH_AT_EVENTS = 200;

/**
 * Persists a run's events (run_events, in order, with a per-run sequence number) and its node
 * executions (one row per finished node), in batches, and publishes each event live as it happens.
 * Batching keeps a chain of cheap nodes from paying a database round trip per event.
 */
export async function createRunEventRecorder(options: {
  prisma: PrismaClient;
  bus: RunEventBus;
  runId: string;
  workspaceId: string;
  onError?: (error: unknown) => void;
}): Promise<RunEventRecorder> {
  const { prisma, bus, runId, workspaceId } = options;
  const last = await prisma.runEvent.aggregate({ where: { runId }, _max: { seq: true } });
  let seq = last._max.seq ?? 0;
  let events: Array<{ seq: number; event: RunEvent }> = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  async function write(batch: Array<{ seq: number; event: RunEvent }>): Promise<void> {
    const executions = batch.flatMap(({ event }) => (event.type === "node-end" ? [event] : []));
    await prisma.$transaction([
      prisma.runEvent.createMany({
        data: batch.map(({ seq: eventSeq, event }) => ({ workspaceId, runId, seq: eventSeq, type: event.type, data: toJsonInput(event), createdAt: new Date(event.at) })),
      }),
      prisma.nodeExecution.createMany({
        data: executions.map((event) => ({
          workspaceId,
          runId,
          nodeId: event.nodeId,
          nodeType: event.nodeType,
          title: event.title,
          index: event.index,
          iterationIndex: event.iterationIndex ?? null,
          status: event.status,
          attempt: event.attempt,
          inputs: toJsonInput(event.inputs),
          outputs: toJsonInput(event.outputs),
          error: event.error ?? null,
          // Which model answered, why fallbacks happened, and how fast it was.
          ...(event.usage?.model
            ? {
                model: toJsonInput({
                  ...event.usage.model,
                  timeToFirstTokenMs: event.usage.timeToFirstTokenMs,
                  tokensPerSecond: event.usage.tokensPerSecond,
                }),
              }
            : {}),
          tokensIn: event.usage?.tokensIn ?? 0,
          tokensOut: event.usage?.tokensOut ?? 0,
          cost: event.usage?.cost ?? 0,
          startedAt: new Date(event.at - event.elapsedMs),
          finishedAt: new Date(event.at),
          elapsedMs: event.elapsedMs,
        })),
      }),
    ]);
  }

  function flushSoon(): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      void flush();
    }, FLUSH_EVERY_MS);
  }

  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    const batch = events;
    events = [];
    if (batch.length > 0) {
      writing = writing.then(() => write(batch)).catch((error: unknown) => options.onError?.(error));
    }
    return writing;
  }

  return {
    record: (event) => {
      seq += 1;
      const sequenced = { seq, event };
      events.push(sequenced);
      bus.publish(runId, sequenced);
      if (events.length >= FLUSH_AT_EVENTS) void flush();
      else flushSoon();
    },
    flush,
  };
}
