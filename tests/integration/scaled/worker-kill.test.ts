// Scaled mode with a fleet of two workers: a worker killed with SIGKILL in the middle of a run leaves a
// stalled job that the other worker takes and resumes from the run's last checkpoint, so finished model
// calls are not made again; a worker stopped with SIGTERM past its grace period hands its run back.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@tandem/db";
import { validateWorkflow, type WorkflowDocument } from "@tandem/engine";
import { createRun, createTandem, resolveRuntimeConfig, runWorkflowJobId, saveModelProvider, type Tandem } from "@tandem/runner";
import { requireService, services, startScriptedModelServer, waitFor, type ScriptedModelServer } from "@tandem/testkit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, startProcess, tsxBin, type RunningProcess } from "../../support/processes.ts";
import { expectResumedNumbering } from "../../support/expect-resumed-numbering.ts";

const redisUp = await requireService("redis");

/** Short enough that a dead worker's job is found stalled within seconds. */
const LOCK_MS = 2000;
/** How long the hanging model call would take: far longer than any recovery below. */
const HANG_MS = 60_000;

function llmNode(id: string, text: string) {
  return { id, type: "llm", version: 1, config: { model: { model: "scripted:scripted-small", fallbacks: [] }, messages: [{ role: "user", text }], stream: false } };
}

/** start(topic) → llm a → llm b (reads a's answer) → end(a, b) */
function twoCallDocument(): WorkflowDocument {
  const validation = validateWorkflow({
    schemaVersion: 1,
    kind: "workflow",
    graph: {
      nodes: [
        { id: "start", type: "start", version: 1, config: { variables: [{ name: "topic", type: "text", required: true }] } },
        llmNode("a", "Step A about {{#start.topic#}}"),
        llmNode("b", "Step B after {{#a.text#}}"),
        { id: "end", type: "end", version: 1, config: { outputs: [{ name: "a", selector: ["a", "text"] }, { name: "b", selector: ["b", "text"] }] } },
      ],
      edges: [
        { id: "e1", source: "start", target: "a" },
        { id: "e2", source: "a", target: "b" },
        { id: "e3", source: "b", target: "end" },
      ],
    },
  });
  if (!validation.ok || !validation.document) throw new Error(JSON.stringify(validation.problems));
  return validation.document;
}

describe.skipIf(!redisUp)("a fleet of workers (scaled mode)", () => {
  let postgres: EmbeddedPostgres;
  let dataDir = "";
  let web: Tandem;
  let redis: Redis;
  let model: ScriptedModelServer;
  let env: Record<string, string>;
  let workspaceId = "";
  let appId = "";
  const workers: RunningProcess[] = [];

  const alive = (worker: RunningProcess) => worker.child.exitCode === null && worker.child.signalCode === null;

  function startWorker(): RunningProcess {
    const worker = startProcess(tsxBin, ["apps/worker/src/main.ts"], cleanEnv(env));
    workers.push(worker);
    return worker;
  }

  /** Starts workers until two are running and ready. */
  async function twoLiveWorkers(): Promise<RunningProcess[]> {
    while (workers.filter(alive).length < 2) startWorker();
    const live = workers.filter(alive);
    await Promise.all(live.map((worker) => worker.waitForOutput(/"event":"worker-ready"/)));
    return live;
  }

  /** The worker process whose BullMQ worker holds the job now (BullMQ records its name, `host:pid`, as processedBy). */
  async function holderOf(runId: string, candidates: RunningProcess[]): Promise<RunningProcess> {
    const processedBy = await redis.hget(`${env.TANDEM_QUEUE_PREFIX}:tandem:${runWorkflowJobId(runId)}`, "pb");
    const pid = processedBy?.split(":").pop();
    const holder = candidates.find((worker) => worker.output().includes(`"event":"worker-ready","pid":${pid},`));
    if (!holder) throw new Error(`no candidate worker has pid ${pid} (processedBy ${processedBy})`);
    return holder;
  }

  const callsTo = (step: "A" | "B") => model.calls.filter((call) => call.prompt.startsWith(`Step ${step} `));

  async function startRun(topic: string): Promise<string> {
    const run = await createRun(web.db.prisma, { workspaceId, appId, document: twoCallDocument(), inputs: { topic }, trigger: "api" });
    await web.queue.enqueue("run-workflow", { runId: run.id }, { jobId: runWorkflowJobId(run.id) });
    return run.id;
  }

  function finished(runId: string, timeoutMs: number) {
    return waitFor(
      async () => {
        const run = await web.db.prisma.run.findUniqueOrThrow({ where: { id: runId }, include: { nodeExecutions: true } });
        return ["succeeded", "failed", "stopped"].includes(run.status) ? run : undefined;
      },
      { timeoutMs, intervalMs: 100, what: `run ${runId} to finish` },
    );
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "tandem-fleet-"));
    postgres = await startEmbeddedPostgres({ dataDir: "memory://fleet" });
    model = await startScriptedModelServer({ models: ["scripted-small"] });
    env = {
      DATABASE_URL: postgres.url,
      REDIS_URL: services.redis.url,
      TANDEM_SECRET_KEY: randomBytes(32).toString("base64"),
      TANDEM_QUEUE_PREFIX: `tandem-test-${randomUUID().slice(0, 8)}`,
      TANDEM_DATA_DIR: dataDir,
      TANDEM_JOB_LOCK_MS: String(LOCK_MS),
      // SIGTERM aborts a run still going after one second and hands it back to the queue.
      TANDEM_SHUTDOWN_TIMEOUT_MS: "1000",
    };
    web = await createTandem(resolveRuntimeConfig(env), "web");
    redis = new Redis(services.redis.url);
    const { prisma } = web.db;
    workspaceId = (await prisma.workspace.create({ data: { name: "Fleet", slug: "fleet" } })).id;
    appId = (await prisma.app.create({ data: { workspaceId, name: "Two calls", slug: "two-calls", kind: "workflow", draft: {} } })).id;
    await saveModelProvider(prisma, web.secrets, workspaceId, { name: "scripted", kind: "openai_compatible", baseUrl: model.openaiBaseUrl, settings: {} });
  });

  afterAll(async () => {
    for (const worker of workers.filter(alive)) worker.signalGroup("SIGKILL");
    await Promise.all(workers.map((worker) => worker.exited));
    await web?.close();
    if (redis) {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${env.TANDEM_QUEUE_PREFIX}:*`, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== "0");
      await redis.quit();
    }
    await model?.close();
    await postgres?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /**
   * Starts a run whose step a answers at once and whose step b hangs on its first call only (the call of
   * the worker about to be stopped), and returns once b's request reached the model, with the worker
   * holding the run.
   */
  async function startRunUntilStepB(topic: string, live: Awaited<ReturnType<typeof twoLiveWorkers>>) {
    model.resetCalls();
    model.clearRules();
    model.addRule({ match: { prompt: "Step A about" }, reply: { type: "text", text: "alpha" } });
    model.addRule({ match: { prompt: "Step B after" }, times: 1, reply: { type: "delay", ms: HANG_MS, then: { type: "text", text: "never delivered" } } });
    model.addRule({ match: { prompt: "Step B after" }, reply: { type: "text", text: "beta" } });
    const runId = await startRun(topic);
    await waitFor(() => (callsTo("B").length === 1 ? true : undefined), { timeoutMs: 60_000, what: "node b's model request" });
    return { runId, holder: await holderOf(runId, live) };
  }

  it("a worker killed with SIGKILL mid-run: the other worker finishes the run without repeating the finished model call", async () => {
    const live = await twoLiveWorkers();
    const { runId, holder } = await startRunUntilStepB("kill", live);
    const survivor = live.find((worker) => worker !== holder);
    // The whole process group: tsx and the node process it runs, as the kernel's OOM killer or a lost machine would.
    holder.signalGroup("SIGKILL");
    const killedAt = Date.now();
    expect(await holder.exited).toBe("SIGKILL");
    expect((await web.db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("running");

    const run = await finished(runId, 30_000);
    const recoveredInMs = Date.now() - killedAt;
    console.log(JSON.stringify({ event: "worker-kill-recovered", lockMs: LOCK_MS, recoveredInMs }));

    expect(run.error).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(run.outputs).toEqual({ a: "alpha", b: "beta" });
    // The scripted server's log: a answered once and never asked again; b asked by the killed try and the resumed one.
    expect(callsTo("A").map((call) => call.prompt)).toEqual(["Step A about kill"]);
    expect(callsTo("B").map((call) => call.prompt)).toEqual(["Step B after alpha", "Step B after alpha"]);
    expect(run.nodeExecutions.filter((execution) => execution.nodeId === "a")).toHaveLength(1);
    expect(run.nodeExecutions.filter((execution) => execution.nodeId === "b").map((execution) => execution.status)).toEqual(["succeeded"]);
    // The killed try's events for a were stored before its checkpoint: the trace shows a once, and no gap.
    const events = await web.db.prisma.runEvent.findMany({ where: { runId }, orderBy: { seq: "asc" } });
    expect(events.filter((event) => event.type === "node-end" && (event.data as { nodeId?: string }).nodeId === "a")).toHaveLength(1);
    expectResumedNumbering(events.map((event) => event.seq));
    expect(events.at(-1)?.type).toBe("run-end");
    // Found stalled after the lock lapsed (within about two stalled checks), not after a 30 s default.
    expect(recoveredInMs).toBeLessThan(5 * LOCK_MS + 5_000);
    expect(survivor && alive(survivor)).toBe(true);
  });

  it("a worker stopped with SIGTERM past its grace period exits 0 and hands the run back; another worker resumes it", async () => {
    const live = await twoLiveWorkers();
    const { runId, holder } = await startRunUntilStepB("term", live);
    const stoppedAt = Date.now();
    holder.child.kill("SIGTERM");
    expect(await holder.exited).toBe(0);
    const exitedInMs = Date.now() - stoppedAt;
    expect(holder.output()).toContain('"event":"worker-stopped"');

    const run = await finished(runId, 30_000);
    console.log(JSON.stringify({ event: "worker-sigterm-handed-over", exitedInMs, finishedInMs: Date.now() - stoppedAt }));
    expect(run.error).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(run.outputs).toEqual({ a: "alpha", b: "beta" });
    expect(callsTo("A")).toHaveLength(1);
    expect(callsTo("B")).toHaveLength(2);
    // The interrupted try ended no stream: one run-end, the successful one, and the events numbered without gaps.
    const events = await web.db.prisma.runEvent.findMany({ where: { runId }, orderBy: { seq: "asc" } });
    expect(events.filter((event) => event.type === "run-end").map((event) => (event.data as { status?: string }).status)).toEqual(["succeeded"]);
    expectResumedNumbering(events.map((event) => event.seq));
    expect(events.at(-1)?.type).toBe("run-end");
  });
});
