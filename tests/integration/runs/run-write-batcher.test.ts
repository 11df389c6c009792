import { randomUUID } from "node:crypto";
import { createPrismaClient, runMigrations, startEmbeddedPostgres, type EmbeddedPostgres, type PrismaClient } from "@tandem/db";
import { createRunWriteBatcher, type RunWriteBatcher } from "@tandem/runner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const checkpoint = (runId: string, checkpointId: string) => ({
  run_id: runId,
  checkpoint_ns: "",
  checkpoint_id: checkpointId,
  parent_checkpoint_id: null,
  checkpoint: Buffer.from(`checkpoint ${checkpointId}`).toString("base64"),
  metadata: Buffer.from("{}").toString("base64"),
});
const write = (runId: string, checkpointId: string, key: string) => ({
  run_id: runId,
  checkpoint_ns: "",
  checkpoint_id: checkpointId,
  write_key: key,
  task_id: "task",
  channel: "records",
  value: Buffer.from("{}").toString("base64"),
  task_path: "",
});

describe("the run write batcher", () => {
  let postgres: EmbeddedPostgres;
  let prisma: PrismaClient;
  let batcher: RunWriteBatcher;
  let workspaceId = "";
  let appId = "";

  beforeAll(async () => {
    postgres = await startEmbeddedPostgres({ dataDir: "memory://run-write-batcher" });
    await runMigrations(postgres.url);
    prisma = createPrismaClient(postgres.url, { maxConnections: 2 });
    batcher = createRunWriteBatcher({ connectionString: postgres.url });
    workspaceId = (await prisma.workspace.create({ data: { name: "Batcher", slug: "batcher" } })).id;
    appId = (await prisma.app.create({ data: { workspaceId, name: "App", slug: "app", kind: "workflow", draft: {} } })).id;
  });
  afterAll(async () => {
    await batcher?.close();
    await prisma?.$disconnect();
    await postgres?.stop();
  });

  async function newRun(): Promise<string> {
    return (await prisma.run.create({ data: { workspaceId, appId, status: "queued", trigger: "api", inputs: {} } })).id;
  }

  async function storedCheckpoints(runId: string): Promise<{ checkpoints: string[]; writes: string[] }> {
    const checkpoints = await batcher.query<{ checkpoint_id: string }>(`SELECT "checkpoint_id" FROM "langgraph"."run_checkpoints" WHERE "run_id" = $1 ORDER BY 1`, [runId]);
    const writes = await batcher.query<{ write_key: string }>(`SELECT "write_key" FROM "langgraph"."run_checkpoint_writes" WHERE "run_id" = $1 ORDER BY 1`, [runId]);
    return { checkpoints: checkpoints.map((row) => row.checkpoint_id), writes: writes.map((row) => row.write_key) };
  }

  it("keeps every field of a run's updates queued into one batch (its move to running and its end)", async () => {
    const runId = await newRun();
    const startedAt = "2026-01-02T03:04:05.006Z";
    await Promise.all([
      batcher.write({ runUpdates: [{ id: runId, status: "running", started_at: startedAt }] }),
      batcher.write({ runUpdates: [{ id: runId, status: "succeeded", outputs: { answer: 42 }, finished_at: "2026-01-02T03:04:06.000Z", elapsed_ms: 994 }] }),
    ]);
    const run = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ status: "succeeded", outputs: { answer: 42 }, elapsedMs: 994 });
    expect(run.startedAt?.toISOString()).toBe(startedAt);
  });

  it("stores only a run's newest checkpoint with its writes, deleting older ones", async () => {
    const runId = await newRun();
    await batcher.write({ checkpoints: [checkpoint(runId, "a")], checkpointWrites: [write(runId, "a", "a1")] });
    expect(await storedCheckpoints(runId)).toEqual({ checkpoints: ["a"], writes: ["a1"] });
    // Two stores in one batch: the later one is kept.
    await Promise.all([
      batcher.write({ checkpoints: [checkpoint(runId, "b")], checkpointWrites: [write(runId, "b", "b1")] }),
      batcher.write({ checkpoints: [checkpoint(runId, "c")], checkpointWrites: [write(runId, "c", "c1"), write(runId, "c", "c2")] }),
    ]);
    expect(await storedCheckpoints(runId)).toEqual({ checkpoints: ["c"], writes: ["c1", "c2"] });
    // The same checkpoint again with a new write: updated in place.
    await batcher.write({ checkpoints: [checkpoint(runId, "c")], checkpointWrites: [write(runId, "c", "c1"), write(runId, "c", "c2"), write(runId, "c", "c3")] });
    expect(await storedCheckpoints(runId)).toEqual({ checkpoints: ["c"], writes: ["c1", "c2", "c3"] });
  });

  it("deletes a finished run's checkpoints, also one queued in the same batch", async () => {
    const runId = await newRun();
    const other = await newRun();
    await batcher.write({ checkpoints: [checkpoint(runId, "a"), checkpoint(other, "x")], checkpointWrites: [write(runId, "a", "a1")] });
    await Promise.all([
      batcher.write({ checkpoints: [checkpoint(runId, "b")], checkpointWrites: [write(runId, "b", "b1")] }),
      batcher.write({ runUpdates: [{ id: runId, status: "succeeded" }], checkpointDeletes: [{ run_id: runId }] }),
    ]);
    expect(await storedCheckpoints(runId)).toEqual({ checkpoints: [], writes: [] });
    // Another run's checkpoint is untouched.
    expect((await storedCheckpoints(other)).checkpoints).toEqual(["x"]);
  });

  it("rejects the writes of a batch that fails, and goes on with the next", async () => {
    const runId = await newRun();
    const missingRun = randomUUID();
    const failed = batcher.write({ events: [{ workspace_id: workspaceId, run_id: missingRun, seq: 1, type: "run-start", data: {}, created_at: new Date().toISOString() }] });
    await expect(failed).rejects.toThrow(/foreign key/);
    await batcher.write({ events: [{ workspace_id: workspaceId, run_id: runId, seq: 1, type: "run-start", data: { ok: true }, created_at: new Date().toISOString() }] });
    expect(await prisma.runEvent.count({ where: { runId } })).toBe(1);
  });
});
