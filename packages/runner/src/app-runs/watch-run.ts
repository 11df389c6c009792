import type { PrismaClient } from "@tandem/db";
import type { RunEvent } from "@tandem/engine";
import type { RunEventBus, SequencedRunEvent } from "../runs/run-event-bus.ts";

export interface RunWatch extends AsyncIterable<SequencedRunEvent> {
  /** Stops watching (the run goes on). */
  close(): void;
  /** Resolves once live events reach this watch (Redis: the subscription is acknowledged). */
  readonly ready: Promise<void>;
}

export interface WatchRunOptions {
  prisma: PrismaClient;
  bus: RunEventBus;
  runId: string;
  /** Events after this sequence number (a client's Last-Event-ID); 0 for all. */
  afterSeq?: number;
  /** The run has no stored events yet (it is being created now): skip the replay query. */
  fresh?: boolean;
  /** With no event for this long, the stored events are read again (covers pub/sub messages lost in transit). */
  pollAfterMs?: number;
  signal?: AbortSignal;
}

const isTerminal = (event: RunEvent) => event.type === "run-end" || event.type === "run-error";

/**
 * A run's events in order, each once: the stored ones after `afterSeq`, then the live ones, ending with
 * the run's last event (run-end or run-error). Subscribes before it reads the store, so nothing falls
 * between the two; live events arriving out of order or with a gap are completed from the store.
 */
export function watchRun(options: WatchRunOptions): RunWatch {
  const { prisma, bus, runId } = options;
  const pollAfterMs = options.pollAfterMs ?? 2_000;
  const live: SequencedRunEvent[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  const unsubscribe = bus.subscribe(runId, (event) => {
    live.push(event);
    wake?.();
  });
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    wake?.();
  };
  options.signal?.addEventListener("abort", close, { once: true });

  async function stored(after: number): Promise<SequencedRunEvent[]> {
    const rows = await prisma.runEvent.findMany({ where: { runId, seq: { gt: after } }, orderBy: { seq: "asc" }, select: { seq: true, data: true } });
    return rows.map((row) => ({ seq: row.seq, event: row.data as unknown as RunEvent }));
  }

  async function* iterate(): AsyncGenerator<SequencedRunEvent> {
    let last = options.afterSeq ?? 0;
    try {
      // Subscribed before reading the store, so no event falls between the two.
      await unsubscribe.ready;
      if (!options.fresh) {
        for (const event of await stored(last)) {
          last = event.seq;
          yield event;
          if (isTerminal(event.event)) return;
        }
      }
      while (!closed) {
        live.sort((left, right) => left.seq - right.seq);
        while (live.length > 0 && !closed) {
          const next = live[0];
          if (next === undefined) break;
          if (next.seq <= last) {
            live.shift();
            continue;
          }
          if (next.seq > last + 1) {
            // A gap: the missing events are in the store, or soon will be (the recorder writes in batches).
            for (let tries = 0; tries < 10 && last + 1 < next.seq && !closed; tries += 1) {
              for (const event of (await stored(last)).filter((candidate) => candidate.seq < next.seq)) {
                last = event.seq;
                yield event;
                if (isTerminal(event.event)) return;
              }
              if (last + 1 < next.seq) await new Promise((resolve) => setTimeout(resolve, 30));
            }
            last = Math.max(last, next.seq - 1); // Still missing after that: go on without them.
            continue;
          }
          live.shift();
          last = next.seq;
          yield next;
          if (isTerminal(next.event)) return;
        }
        if (closed) return;
        const quiet = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(true), pollAfterMs);
          wake = () => {
            clearTimeout(timer);
            resolve(false);
          };
        });
        wake = undefined;
        if (quiet && !closed) {
          for (const event of await stored(last)) {
            last = event.seq;
            yield event;
            if (isTerminal(event.event)) return;
          }
        }
      }
    } finally {
      close();
    }
  }

  const iterator = iterate();
  return {
    [Symbol.asyncIterator]: () => iterator,
    close,
    ready: unsubscribe.ready,
  };
}
