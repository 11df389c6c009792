import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { z } from "zod";
import { keepExtendedQueriesWhole } from "./keep-extended-queries-whole.ts";

/** A running embedded Postgres, reachable over the plain Postgres wire protocol on loopback. */
export interface EmbeddedPostgres {
  /** `postgresql://…` URL any Postgres client can use. */
  readonly url: string;
  readonly port: number;
  /** True when this process owns the database; false when it attached to one another process serves. */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder for the database files; created if missing. `memory://` keeps everything in memory (tests). */
  dataDir: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Connections the socket server accepts at once. */
  maxConnections?: number;
}

const lockSchema = z.object({ pid: z.number().int(), port: z.number().int() });

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function urlFor(port: number): string {
  return `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
}

/**
 * Starts PGlite (Postgres in WASM) with pgvector and pg_trgm and serves it on 127.0.0.1 with
 * pglite-socket, so every part of Tandem talks plain Postgres in embedded mode too.
 *
 * PGlite allows one process per data folder. A lock file (`<dataDir>.lock.json`) records the owner's
 * pid and port: a second process (the CLI while the server runs) attaches to the running instance
 * instead of failing; a stale lock from a crashed process is taken over.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const inMemory = options.dataDir.startsWith("memory://");
  const lockPath = inMemory ? null : `${path.resolve(options.dataDir)}.lock.json`;

  if (lockPath) {
    const existing = await readLock(lockPath);
    // A live pid alone is not proof (pids are reused, e.g. in a restarted container): the port must answer too.
    if (existing && existing.pid !== process.pid && isProcessAlive(existing.pid) && (await portAnswers(existing.port))) {
      return { url: urlFor(existing.port), port: existing.port, owned: false, stop: async () => {} };
    }
    await mkdir(options.dataDir, { recursive: true });
  }

  const db = await PGlite.create(inMemory ? options.dataDir : path.resolve(options.dataDir), {
    extensions: { vector, pg_trgm },
  });
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 64,
  });
  keepExtendedQueriesWhole(server);
  await server.start();
  const port = Number(server.getServerConn().split(":").pop());
  if (lockPath) await writeFile(lockPath, JSON.stringify({ pid: process.pid, port }));

  let stopped = false;
  return {
    url: urlFor(port),
    port,
    owned: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
      if (lockPath) await rm(lockPath, { force: true });
    },
  };
}

async function readLock(lockPath: string): Promise<z.infer<typeof lockSchema> | null> {
  try {
    const parsed = lockSchema.safeParse(JSON.parse(await readFile(lockPath, "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
