import type { PGlite } from "@electric-sql/pglite";
import type { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/** The message queue inside pglite-socket's server (not exported by the package; shape as of 0.2.17). */
interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

/** Frontend messages that open or continue an extended-protocol exchange, which ends at Sync ('S'). */
const EXTENDED = new Set(["P", "B", "D", "E", "C", "H"].map((letter) => letter.charCodeAt(0)));
const SYNC = "S".charCodeAt(0);

/**
 * pglite-socket multiplexes every client connection onto PGlite's single backend, one wire message at
 * a time. Outside a transaction it takes the next message from any connection, so two connections
 * running parameterised queries interleave Parse/Bind/Execute and one binds the other's unnamed
 * statement ("bind message supplies 4 parameters, but prepared statement requires 6"). This keeps
 * each connection's extended-protocol exchange whole: once a connection sends Parse or Bind, only its
 * messages run until its Sync, as a real backend per connection would see them. Transactions keep
 * pglite-socket's own rule (only the connection in the transaction runs until it ends).
 */
export function keepExtendedQueriesWhole(server: PGLiteSocketServer): void {
  // The queue is a private field of the server; the shape above is checked before it is patched.
  const queue = (server as unknown as { queryQueue?: Partial<QueryQueue> }).queryQueue;
  if (!queue || !Array.isArray(queue.queue) || typeof queue.processQueue !== "function" || typeof queue.clearQueueForHandler !== "function" || !queue.db) {
    throw new Error("pglite-socket's internal query queue changed shape: keepExtendedQueriesWhole needs updating for this version.");
  }
  const state = queue as QueryQueue;
  let exchangeOwner: number | null = null;
  const clearForHandler = state.clearQueueForHandler.bind(state);

  state.clearQueueForHandler = (handlerId: number) => {
    clearForHandler(handlerId);
    if (exchangeOwner === handlerId) {
      exchangeOwner = null;
      void state.processQueue();
    }
  };

  state.processQueue = async function processQueue(): Promise<void> {
    if (state.processing || state.queue.length === 0) return;
    state.processing = true;
    try {
      while (state.queue.length > 0) {
        const owner = exchangeOwner ?? (state.db.isInTransaction() ? state.lastHandlerId : null);
        const index = owner === null ? 0 : state.queue.findIndex((entry) => entry.handlerId === owner);
        // The owner's next message has not arrived yet: everyone else waits for it.
        if (index === -1) break;
        const [entry] = state.queue.splice(index, 1) as [QueuedMessage];
        let written = 0;
        try {
          await state.db.runExclusive(() =>
            state.db.execProtocolRawStream(entry.message, {
              onRawData: (data: Uint8Array) => {
                written += data.length;
                entry.onData(data);
              },
            }),
          );
        } catch (error) {
          exchangeOwner = null;
          entry.reject(error);
          continue;
        }
        const type = entry.message[0] ?? 0;
        if (EXTENDED.has(type)) exchangeOwner = entry.handlerId;
        else if (type === SYNC || exchangeOwner === entry.handlerId) exchangeOwner = null;
        state.lastHandlerId = entry.handlerId;
        entry.resolve(written);
      }
    } finally {
      state.processing = false;
    }
  };
}
