/**
 * `npm run bench -- api [--only embedded|scaled_1w|scaled_2w] [--requests N] [--job-concurrency N]`
 * The published API under load: a start → llm → end workflow, published, called blocking through
 * `POST /v1/workflows/run` by a load generator in its own process (keep-alive, concurrency 1, 16, 64),
 * against the scripted model server at zero latency. Embedded: one process, PGlite, in-process jobs.
 * Scaled: the web process enqueues to BullMQ on Redis and 1 or 2 worker processes run the workflow,
 * events coming back over Redis pub/sub, the database shared (PGlite over the wire here; PostgreSQL in a
 * deployment). `added_p50_ms_c1` is the API's p50 at concurrency 1 minus the p50 of the same model
 * request sent straight to the model server.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createPublishedApi } from "@tandem/api";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@tandem/db";
import { createTandem, resolveRuntimeConfig, saveModelProvider, type Tandem } from "@tandem/runner";
import { startModelServerProcess } from "../shared/model-server-process.ts";
import { runLoad, type LoadResult } from "../shared/run-load.ts";

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    requests: { type: "string", default: "3000" },
    "job-concurrency": { type: "string", default: "64" },
  },
});
const requests = Number(values.requests);
const jobConcurrency = values["job-concurrency"] ?? "64";
const PROMPT = "Say something short.";
const REPLY = "Tandem runs small models well.";

const models = await startModelServerProcess({ models: ["small"], reply: REPLY });

const workflow = {
  schemaVersion: 1,
  kind: "workflow",
  graph: {
    nodes: [
      { id: "start", type: "start", version: 1, position: { x: 0, y: 0 }, config: { variables: [{ name: "query", type: "paragraph", required: true }] } },
      { id: "llm", type: "llm", version: 1, position: { x: 0, y: 0 }, config: { model: { model: "lab:small" }, messages: [{ role: "user", text: "{{#start.query#}}" }], stream: false } },
      { id: "end", type: "end", version: 1, position: { x: 0, y: 0 }, config: { outputs: [{ name: "answer", selector: ["llm", "text"] }] } },
    ],
    edges: [
      { id: "e1", source: "start", target: "llm" },
      { id: "e2", source: "llm", target: "end" },
    ],
  },
};

/** Publishes the workflow in a fresh workspace and serves the published API; returns its URL and key. */
async function servePublishedApi(tandem: Tandem): Promise<{ url: string; key: string; close: () => Promise<void> }> {
  const { prisma } = tandem.db;
  const workspaceId = (await prisma.workspace.create({ data: { name: "bench", slug: `bench-${randomUUID()}` } })).id;
  await saveModelProvider(prisma, tandem.secrets, workspaceId, { name: "lab", kind: "openai_compatible", baseUrl: models.openaiBaseUrl, isLocal: true, settings: {} });
  const app = await prisma.app.create({ data: { workspaceId, name: "bench", slug: "bench", kind: "workflow", draft: workflow } });
  await tandem.publishing.publishApp(workspaceId, app.id);
  const { key } = await tandem.publishing.createApiKey(workspaceId, app.id, { name: "bench" });
  const handle = createPublishedApi(tandem);
  const server = createServer((request, response) => void handle(request, response));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/v1/workflows/run`,
    key,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Level {
  rps: number;
  p50_ms: number;
  p99_ms: number;
}

async function measure(url: string, key: string): Promise<{ levels: Record<string, Level>; errors: number }> {
  const levels: Record<string, Level> = {};
  let errors = 0;
  for (const concurrency of [1, 16, 64]) {
    const result: LoadResult = await runLoad({
      url,
      headers: { authorization: `Bearer ${key}` },
      body: { inputs: { query: PROMPT }, user: "bench", response_mode: "blocking" },
      concurrency,
      requests: concurrency === 1 ? Math.min(500, requests) : requests,
      // Steady state: enough calls first for V8 to have optimised the hot path (50 were not).
      warmup: concurrency === 1 ? 300 : concurrency * 4,
      expect: REPLY,
    });
    if (result.firstError) console.error(`c${concurrency}: ${result.errors} errors, first: ${result.firstError}`);
    console.error(`c${concurrency}: ${JSON.stringify(result)}`);
    errors += result.errors;
    levels[`c${concurrency}`] = { rps: result.rps, p50_ms: result.p50_ms, p99_ms: result.p99_ms };
  }
  return { levels, errors };
}

async function embedded() {
  const dataDir = await mkdtemp(path.join(tmpdir(), "tandem-bench-api-"));
  const tandem = await createTandem(resolveRuntimeConfig({ TANDEM_DATA_DIR: dataDir, TANDEM_JOB_CONCURRENCY: jobConcurrency }), "web");
  const api = await servePublishedApi(tandem);
  try {
    return await measure(api.url, api.key);
  } finally {
    await api.close();
    await tandem.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function scaled(workers: number) {
  const dataDir = await mkdtemp(path.join(tmpdir(), "tandem-bench-api-scaled-"));
  const postgres: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir: "memory://bench-api" });
  const env = {
    DATABASE_URL: postgres.url,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    TANDEM_SECRET_KEY: randomBytes(32).toString("base64"),
    TANDEM_QUEUE_PREFIX: `tandem-bench-${randomUUID().slice(0, 8)}`,
    TANDEM_DATA_DIR: dataDir,
    TANDEM_JOB_CONCURRENCY: jobConcurrency,
  };
  const web = await createTandem(resolveRuntimeConfig(env), "web");
  const children = Array.from({ length: workers }, () => {
    const { NODE_OPTIONS: _loaders, ...inherited } = process.env;
    return spawn(path.join("node_modules", ".bin", "tsx"), ["apps/worker/src/main.ts"], { env: { ...inherited, ...env, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "inherit"] });
  });
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve, reject) => {
          let output = "";
          child.stdout.on("data", (chunk: Buffer) => {
            output += chunk.toString("utf8");
            if (output.includes('"event":"worker-ready"')) resolve();
          });
          child.once("exit", (code) => reject(new Error(`a worker exited with ${code} before it was ready: ${output}`)));
        }),
    ),
  );
  const api = await servePublishedApi(web);
  try {
    return await measure(api.url, api.key);
  } finally {
    await api.close();
    await Promise.all(children.map((child) => new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGTERM")))));
    await web.close();
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// The floor: the same model request, straight to the model server.
const direct = await runLoad({
  url: `${models.openaiBaseUrl}/chat/completions`,
  headers: {},
  body: { model: "small", messages: [{ role: "user", content: PROMPT }], stream: false },
  concurrency: 1,
  requests: 500,
  warmup: 300,
  expect: REPLY,
});
console.error(`direct: ${JSON.stringify(direct)}`);

const only = values.only;
const report: Record<string, unknown> = { bench: "api" };
let errors = direct.errors;
if (!only || only === "embedded") {
  const result = await embedded();
  report.embedded = result.levels;
  errors += result.errors;
}
if (!only || only === "scaled_1w") {
  const result = await scaled(1);
  report.scaled_1w = result.levels;
  errors += result.errors;
}
if (!only || only === "scaled_2w") {
  const result = await scaled(2);
  report.scaled_2w = result.levels;
  errors += result.errors;
}
const p50 = (section: unknown) => (section as Record<string, Level> | undefined)?.c1?.p50_ms;
const round = (value: number) => Math.round(value * 100) / 100;
if (p50(report.embedded) !== undefined) report.added_p50_ms_c1 = round((p50(report.embedded) ?? 0) - direct.p50_ms);
if (p50(report.scaled_1w) !== undefined) report.scaled_added_p50_ms_c1 = round((p50(report.scaled_1w) ?? 0) - direct.p50_ms);
report.direct_p50_ms = direct.p50_ms;
report.errors = errors;
await models.close();
console.log(JSON.stringify(report));
process.exit(0);
