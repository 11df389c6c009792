// Runs inside the worker thread started by startEmbeddedPostgres (through
// embedded-postgres-worker-bootstrap.mjs): PGlite executes queries synchronously on the thread that
// hosts it, so it lives here, off the main thread, which only talks to it over loopback TCP.
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { keepExtendedQueriesWhole } from "./keep-extended-queries-whole.ts";

/** What the main thread hands the worker (`workerData`). */
export interface EmbeddedPostgresWorkerData {
  /** `memory://…`, or an absolute folder path that already exists. */
  dataDir: string;
  port: number;
  maxConnections: number;
}

/** Worker → main thread. */
export type EmbeddedPostgresWorkerMessage =
  | { type: "ready"; port: number }
  | { type: "failed"; message: string; stack?: string | undefined }
  | { type: "stopped" }
  | { type: "stop-failed"; message: string };

/** Main thread → worker. */
export interface EmbeddedPostgresWorkerCommand {
  type: "stop";
}

const parent = parentPort;
if (!parent) throw new Error("embedded-postgres-worker.ts runs in a worker thread started by startEmbeddedPostgres.");
const options = workerData as EmbeddedPostgresWorkerData;
const post = (message: EmbeddedPostgresWorkerMessage) => parent.postMessage(message);
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

let db: PGlite | undefined;
let server: PGLiteSocketServer | undefined;

async function close(): Promise<void> {
  // Each step runs even when the one before fails, so the thread is left with nothing to keep it alive.
  const errors: unknown[] = [];
  await server?.stop().catch((error: unknown) => errors.push(error));
  if (db && !db.closed) await db.close().catch((error: unknown) => errors.push(error));
  server = undefined;
  db = undefined;
  if (errors.length > 0) throw errors[0];
}

try {
  db = await PGlite.create(options.dataDir, { extensions: { vector, pg_trgm } });
  server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: options.port, maxConnections: options.maxConnections });
  keepExtendedQueriesWhole(server);
  await server.start();
  parent.on("message", (command: EmbeddedPostgresWorkerCommand) => {
    if (command.type !== "stop") return;
    // Closing the parent port too leaves the thread nothing to wait for: it ends by itself.
    void close()
      .then(
        () => post({ type: "stopped" }),
        (error: unknown) => post({ type: "stop-failed", message: describe(error) }),
      )
      .finally(() => parent.close());
  });
  post({ type: "ready", port: Number(server.getServerConn().split(":").pop()) });
} catch (error) {
  await close().catch(() => {});
  post({ type: "failed", message: describe(error), stack: error instanceof Error ? error.stack : undefined });
  parent.close();
}
