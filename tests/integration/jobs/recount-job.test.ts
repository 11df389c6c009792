import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@tandem/db";
import { createTandem, resolveRuntimeConfig, type JobSnapshot, type Tandem } from "@tandem/runner";
import { requireService, services, waitFor } from "@tandem/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, startProcess, tsxBin, type RunningProcess } from "../../support/processes.ts";
import { seedKnowledgeBase } from "../../support/seed-knowledge-base.ts";

const redisUp = await requireService("redis");

async function expectRecounted(tandem: Tandem): Promise<void> {
  const { knowledgeBaseId } = await seedKnowledgeBase(tandem.db.prisma);
  const jobId = await tandem.queue.enqueue("recount-knowledge-base", { knowledgeBaseId });
  const job = await waitFor<JobSnapshot>(
    async () => {
      const snapshot = await tandem.queue.getJob(jobId);
      return snapshot?.status === "completed" || snapshot?.status === "failed" ? snapshot : undefined;
    },
    { timeoutMs: 30_000, what: "the recount job" },
  );
  expect(job.error).toBeUndefined();
  expect(job.result).toEqual({ documentCount: 2, chunkCount: 3, tokenCount: 23 });
  const stored = await tandem.db.prisma.knowledgeBase.findUniqueOrThrow({ where: { id: knowledgeBaseId } });
  expect(stored).toMatchObject({ documentCount: 2, chunkCount: 3, tokenCount: 23 });
}

describe("a real job end to end, embedded mode (in-process queue)", () => {
  let dataDir = "";
  let tandem: Tandem;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "tandem-embedded-"));
    tandem = await createTandem(resolveRuntimeConfig({ TANDEM_DATA_DIR: dataDir }), "web");
  });
  afterAll(async () => {
    await tandem?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("the web process runs the job itself", async () => {
    expect(tandem.queue.kind).toBe("in-process");
    await expectRecounted(tandem);
  });

  it("refuses a payload that is not a knowledge base id", async () => {
    await expect(tandem.queue.enqueue("recount-knowledge-base", { knowledgeBaseId: "42" })).rejects.toThrow(/knowledgeBaseId/);
  });

  it("reports itself healthy", async () => {
    const health = await tandem.health();
    expect(health).toMatchObject({ status: "ok", mode: "embedded", database: { ok: true, kind: "embedded" }, queue: { ok: true, kind: "in-process", processesJobs: true } });
  });
});

describe.skipIf(!redisUp)("a real job end to end, scaled mode (BullMQ + a worker process)", () => {
  let postgres: EmbeddedPostgres;
  let dataDir = "";
  let web: Tandem;
  let worker: RunningProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "tandem-scaled-"));
    // The shared database a real deployment gets from PostgreSQL + pgvector; here PGlite over the wire.
    postgres = await startEmbeddedPostgres({ dataDir: "memory://scaled" });
    env = {
      DATABASE_URL: postgres.url,
      REDIS_URL: services.redis.url,
      TANDEM_SECRET_KEY: randomBytes(32).toString("base64"),
      TANDEM_QUEUE_PREFIX: `tandem-test-${randomUUID().slice(0, 8)}`,
      TANDEM_DATA_DIR: dataDir,
    };
    web = await createTandem(resolveRuntimeConfig(env), "web");
    worker = startProcess(tsxBin, ["apps/worker/src/main.ts"], cleanEnv(env));
    await worker.waitForOutput(/"event":"worker-ready"/);
  });

  afterAll(async () => {
    if (worker?.child.exitCode === null) worker.child.kill("SIGKILL");
    await web?.close();
    await postgres?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("the web process only enqueues; the worker process runs the job", async () => {
    expect(web.queue.kind).toBe("bullmq");
    expect((await web.health()).queue.processesJobs).toBe(false);
    await expectRecounted(web);
  });

  it("the worker stops cleanly on SIGTERM", async () => {
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('"event":"worker-stopped"');
  });
});

describe("the worker outside scaled mode", () => {
  it("exits with a message saying what to set", async () => {
    const process = startProcess(tsxBin, ["apps/worker/src/main.ts"], cleanEnv({ TANDEM_DATA_DIR: path.join(tmpdir(), "unused") }));
    expect(await process.exited).not.toBe(0);
    expect(process.output()).toContain("REDIS_URL");
  });
});
