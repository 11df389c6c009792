// Scaled mode shares state through Redis (ADR 0016): run events published by worker processes reach the
// web process, a model endpoint's maxConcurrency holds across the whole fleet, and the web's per-key API
// limits are the ones every web process sees.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@tandem/db";
import { validateWorkflow, type WorkflowDocument } from "@tandem/engine";
import {
  createRedisRateLimiter,
  createRedisRunEventBus,
  createRun,
  createTandem,
  isPublishingError,
  resolveRuntimeConfig,
  runWorkflowJobId,
  saveModelProvider,
  type SequencedRunEvent,
  type Tandem,
} from "@tandem/runner";
import { requireService, services, startScriptedModelServer, waitFor, type ScriptedModelServer } from "@tandem/testkit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, startProcess, tsxBin, type RunningProcess } from "../../support/processes.ts";
import { deleteKeys, uniquePrefix } from "./support/redis-test-keys.ts";

const redisUp = await requireService("redis");

/** A pass-through HTTP proxy in front of the model server that records how many requests it had in flight at once. */
async function startConcurrencyProxy(target: number): Promise<{ port: number; maxInFlight: () => number; requests: () => number; close(): Promise<void> }> {
  let inFlight = 0;
  let max = 0;
  let total = 0;
  const server: Server = createServer((incoming, outgoing) => {
    inFlight += 1;
    total += 1;
    max = Math.max(max, inFlight);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight -= 1;
    };
    outgoing.on("close", finish);
    const upstream = httpRequest({ host: "127.0.0.1", port: target, path: incoming.url, method: incoming.method, headers: incoming.headers }, (response) => {
      outgoing.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(outgoing);
    });
    upstream.on("error", () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    maxInFlight: () => max,
    requests: () => total,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** start → llm (on `model`) → end */
function askDocument(model: string): WorkflowDocument {
  const validation = validateWorkflow({
    schemaVersion: 1,
    kind: "workflow",
    graph: {
      nodes: [
        { id: "start", type: "start", version: 1, config: { variables: [{ name: "topic", type: "text", required: true }] } },
        { id: "ask", type: "llm", version: 1, config: { model: { model, fallbacks: [] }, messages: [{ role: "user", text: "About {{#start.topic#}}" }], stream: false } },
        { id: "end", type: "end", version: 1, config: { outputs: [{ name: "answer", selector: ["ask", "text"] }] } },
      ],
      edges: [
        { id: "e1", source: "start", target: "ask" },
        { id: "e2", source: "ask", target: "end" },
      ],
    },
  });
  if (!validation.ok || !validation.document) throw new Error(JSON.stringify(validation.problems));
  return validation.document;
}

describe.skipIf(!redisUp)("scaled mode shares state through Redis", () => {
  const prefix = uniquePrefix("shared");
  let postgres: EmbeddedPostgres;
  let dataDir = "";
  let web: Tandem;
  let redis: Redis;
  let model: ScriptedModelServer;
  let proxy: Awaited<ReturnType<typeof startConcurrencyProxy>>;
  let env: Record<string, string>;
  let workspaceId = "";
  let appId = "";
  const workers: RunningProcess[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "tandem-shared-state-"));
    postgres = await startEmbeddedPostgres({ dataDir: "memory://shared-state" });
    // Each answer takes 300 ms, so calls that are let through together overlap at the proxy.
    model = await startScriptedModelServer({ models: ["scripted-small"], latencyMs: 300 });
    proxy = await startConcurrencyProxy(model.port);
    env = {
      DATABASE_URL: postgres.url,
      REDIS_URL: services.redis.url,
      TANDEM_SECRET_KEY: randomBytes(32).toString("base64"),
      TANDEM_QUEUE_PREFIX: prefix,
      TANDEM_DATA_DIR: dataDir,
      // Three runs per worker: six runs need both.
      TANDEM_JOB_CONCURRENCY: "3",
    };
    web = await createTandem(resolveRuntimeConfig(env), "web");
    redis = new Redis(services.redis.url);
    const { prisma } = web.db;
    workspaceId = (await prisma.workspace.create({ data: { name: "Shared", slug: "shared" } })).id;
    appId = (await prisma.app.create({ data: { workspaceId, name: "Ask", slug: "ask", kind: "workflow", draft: {} } })).id;
    // One GPU server, two providers on it (its OpenAI API and its native API): one limit of 2 between them.
    const origin = `http://127.0.0.1:${proxy.port}`;
    await saveModelProvider(prisma, web.secrets, workspaceId, { name: "gpu", kind: "openai_compatible", baseUrl: `${origin}/v1`, isLocal: true, settings: { maxConcurrency: 2 } });
    await saveModelProvider(prisma, web.secrets, workspaceId, { name: "gpu-native", kind: "ollama", baseUrl: origin, isLocal: true, settings: { maxConcurrency: 2 } });
    for (let index = 0; index < 2; index += 1) workers.push(startProcess(tsxBin, ["apps/worker/src/main.ts"], cleanEnv(env)));
    await Promise.all(workers.map((worker) => worker.waitForOutput(/"event":"worker-ready"/)));
  });

  afterAll(async () => {
    for (const worker of workers) worker.signalGroup("SIGTERM");
    await Promise.all(workers.map((worker) => worker.exited));
    await web?.close();
    if (redis) {
      await deleteKeys(redis, prefix);
      await redis.quit();
    }
    await proxy?.close();
    await model?.close();
    await postgres?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("two workers running six runs against one endpoint never exceed its maxConcurrency, and the web process follows every run live", async () => {
    const runIds: string[] = [];
    const received = new Map<string, SequencedRunEvent[]>();
    const unsubscribes: Array<() => void> = [];
    for (let index = 0; index < 6; index += 1) {
      const run = await createRun(web.db.prisma, {
        workspaceId,
        appId,
        document: askDocument(index % 2 === 0 ? "gpu:scripted-small" : "gpu-native:scripted-small"),
        inputs: { topic: `topic ${index}` },
        trigger: "api",
      });
      runIds.push(run.id);
      received.set(run.id, []);
      // The web process follows the run before any worker can start it (as an SSE stream would).
      const unsubscribe = web.runEvents.subscribe(run.id, (event) => received.get(run.id)?.push(event));
      await unsubscribe.ready;
      unsubscribes.push(unsubscribe);
    }
    for (const runId of runIds) await web.queue.enqueue("run-workflow", { runId }, { jobId: runWorkflowJobId(runId) });

    for (const runId of runIds) {
      const run = await waitFor(
        async () => {
          const row = await web.db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
          return ["succeeded", "failed", "stopped"].includes(row.status) ? row : undefined;
        },
        { timeoutMs: 45_000, intervalMs: 100, what: `run ${runId}` },
      );
      expect(run.status).toBe("succeeded");
    }
    expect(proxy.requests()).toBe(6);
    expect(proxy.maxInFlight()).toBe(2);

    // Both workers ran some of the runs: the limit held across processes.
    const processedBy = await Promise.all(runIds.map((runId) => redis.hget(`${prefix}:tandem:${runWorkflowJobId(runId)}`, "pb")));
    expect(new Set(processedBy.map((name) => name?.split(":").pop())).size).toBe(2);

    // Every run's events reached the web process from the worker that ran it, complete and in order.
    for (const runId of runIds) {
      const events = await waitFor(() => {
        const list = received.get(runId) ?? [];
        return list.some(({ event }) => event.type === "run-end") ? list : undefined;
      }, { what: `run ${runId}'s run-end event` });
      const stored = await web.db.prisma.runEvent.findMany({ where: { runId }, orderBy: { seq: "asc" } });
      expect(events.map(({ seq }) => seq)).toEqual(stored.map((row) => row.seq));
      expect(events.map(({ event }) => event.type)).toEqual(["run-start", "node-start", "node-end", "node-start", "node-end", "node-start", "node-end", "run-end"]);
      expect(events.every(({ event }) => event.runId === runId)).toBe(true);
    }
    for (const unsubscribe of unsubscribes) unsubscribe();
    // No slot is left taken.
    expect(await redis.zcard(`${prefix}:endpoint-limit:${workspaceId}:http://127.0.0.1:${proxy.port}`)).toBe(0);
  });

  it("the web process's run event bus, API-key limits and endpoint keys live under the deployment's prefix", async () => {
    // Another web process of the same deployment (same prefix) hears the web's events and shares its limits.
    const otherBus = createRedisRunEventBus({ redisUrl: services.redis.url, prefix });
    const otherLimiter = createRedisRateLimiter({ redis, prefix });
    try {
      const heard: number[] = [];
      const unsubscribe = otherBus.subscribe("run-x", ({ seq }) => heard.push(seq));
      await unsubscribe.ready;
      web.runEvents.publish("run-x", { seq: 7, event: { type: "node-delta", runId: "run-x", at: 0, nodeId: "n", text: "hi" } });
      await waitFor(() => (heard.length === 1 ? true : undefined), { what: "the event in the other process" });
      expect(heard).toEqual([7]);
      unsubscribe();

      const limits = { rateLimitPerMin: null, concurrencyLimit: 1 };
      const held = await web.publishing.rateLimiter.acquire("api-key-1", limits);
      const refused = await otherLimiter.acquire("api-key-1", limits).then(
        () => null,
        (error: unknown) => error,
      );
      expect(isPublishingError(refused) && refused.code).toBe("too_many_requests");
      held.release();
      await waitFor(() => otherLimiter.acquire("api-key-1", limits).catch(() => undefined), { what: "the released slot" }).then((lease) => lease.release());
    } finally {
      await otherBus.close();
    }
  });
});
