// Embedded Postgres runs PGlite in a worker thread (docs/adr/0018-embedded-postgres-in-a-worker-thread.md):
// the main thread keeps turning while the database works, the lock file and attaching to another
// process's instance behave as before, start-up failures in the thread reject clearly, stop() ends the
// thread, and a thread that dies on its own is reported.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type * as WorkerThreads from "node:worker_threads";
import { startEmbeddedPostgres } from "@tandem/db";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cleanEnv, startProcess } from "../../support/processes.ts";

// Every worker thread started in this file, so tests can see when the database's thread ends (or end it).
const workers = vi.hoisted(() => [] as WorkerThreads.Worker[]);
vi.mock("node:worker_threads", async (importOriginal) => {
  const original = await importOriginal<typeof WorkerThreads>();
  class RecordedWorker extends original.Worker {
    constructor(...args: ConstructorParameters<typeof original.Worker>) {
      super(...args);
      workers.push(this);
    }
  }
  return { ...original, Worker: RecordedWorker, default: { ...original, Worker: RecordedWorker } };
});

const ownerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), "support/embedded-postgres-owner.ts");
let folder = "";

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), "tandem-embedded-worker-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const exists = (file: string) => stat(file).then(() => true, () => false);

describe("embedded Postgres in a worker thread", () => {
  it("keeps the main thread's event loop turning while a long query runs", async () => {
    const postgres = await startEmbeddedPostgres({ dataDir: "memory://" });
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      let last = performance.now();
      let longestGap = 0;
      const ticker = setInterval(() => {
        const now = performance.now();
        longestGap = Math.max(longestGap, now - last);
        last = now;
      }, 5);
      const started = performance.now();
      // About a second of work inside PGlite; on the main thread it would block every timer that long.
      await client.query("SELECT count(*) FROM generate_series(1, 6000000)");
      const took = performance.now() - started;
      clearInterval(ticker);
      expect(took).toBeGreaterThan(300);
      // On the main thread the longest gap is the whole statement; here timers keep firing throughout.
      expect(longestGap).toBeLessThan(took / 3);
    } finally {
      await client.end();
      await postgres.stop();
    }
  });

  it("keeps a folder's data, records the owner in the lock file and ends its thread on stop()", async () => {
    const dataDir = path.join(folder, "pgdata");
    const lockPath = `${dataDir}.lock.json`;
    const first = await startEmbeddedPostgres({ dataDir, maxConnections: 8 });
    const thread = workers.at(-1)!;
    expect(first.owned).toBe(true);
    expect(first.url).toBe(`postgresql://postgres:postgres@127.0.0.1:${first.port}/postgres?sslmode=disable`);
    expect(JSON.parse(await readFile(lockPath, "utf8"))).toEqual({ pid: process.pid, port: first.port });
    await query(first.url, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('still here')");
    await first.stop();
    await first.stop(); // a second stop is a no-op
    expect(thread.threadId).toBe(-1);
    expect(await exists(lockPath)).toBe(false);
    await expect(query(first.url, "SELECT 1")).rejects.toThrow(/ECONNREFUSED/);

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      expect(await query<{ value: string }>(second.url, "SELECT value FROM kept")).toEqual([{ value: "still here" }]);
    } finally {
      await second.stop();
    }
  });

  it("attaches to the instance another live process serves, and takes over once it has stopped", async () => {
    const dataDir = path.join(folder, "shared");
    const owner = startProcess(process.execPath, ["--import", "tsx", ownerScript, dataDir], cleanEnv({}));
    try {
      const line = await owner.waitForOutput(/listening on \d+, owned: true/);
      const ownerPort = Number(/on (\d+)/.exec(line)![1]);
      const attached = await startEmbeddedPostgres({ dataDir });
      expect(attached).toMatchObject({ owned: false, port: ownerPort });
      expect(await query<{ one: number }>(attached.url, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
      await attached.stop(); // does not stop the owner's database
      expect(await query<{ one: number }>(attached.url, "SELECT 1 AS one")).toEqual([{ one: 1 }]);

      // The owner stops on SIGTERM and then has nothing left to keep it alive: its thread has ended.
      owner.child.kill("SIGTERM");
      expect(await owner.exited).toBe(0);
      expect(owner.output()).toContain("stopped");
      expect(await exists(`${dataDir}.lock.json`)).toBe(false);
    } finally {
      owner.signalGroup("SIGKILL");
    }
    const takenOver = await startEmbeddedPostgres({ dataDir });
    try {
      expect(takenOver.owned).toBe(true);
    } finally {
      await takenOver.stop();
    }
  });

  it("rejects with the reason when PGlite cannot open the data folder, and leaves no thread or lock behind", async () => {
    const dataDir = path.join(folder, "not-a-database");
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, "PG_VERSION"), "9\n");
    const before = workers.length;
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(
      new RegExp(`^Embedded Postgres could not start \\(data directory ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\): PGlite failed to initialize`),
    );
    expect(workers.length).toBe(before + 1);
    expect(workers.at(-1)!.threadId).toBe(-1);
    expect(await exists(`${dataDir}.lock.json`)).toBe(false);
  });

  it("reports loudly when its thread ends unexpectedly, and drops the lock file", async () => {
    const dataDir = path.join(folder, "crashing");
    const postgres = await startEmbeddedPostgres({ dataDir });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await workers.at(-1)!.terminate();
      await vi.waitFor(() => expect(errors).toHaveBeenCalled());
      const logged = JSON.parse(String(errors.mock.calls[0]![0])) as Record<string, unknown>;
      expect(logged).toMatchObject({ level: "error", event: "embedded-postgres-exited", dataDir, port: postgres.port });
      await vi.waitFor(async () => expect(await exists(`${dataDir}.lock.json`)).toBe(false));
      await postgres.stop(); // still resolves
    } finally {
      errors.mockRestore();
    }
  });
});
