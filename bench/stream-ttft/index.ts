/**
 * `npm run bench -- stream-ttft [--requests N]`
 * Time to the first streamed token through the published API: a start → llm (streaming) → end workflow
 * called with `response_mode: "streaming"` on `POST /v1/workflows/run` (embedded mode), the clock
 * stopping at the first `text_chunk` event, against the same streaming model request sent straight to
 * the scripted model server (its first `delta.content`). Both at zero model latency, one request at a
 * time, from a load generator in its own process. `added_ttft_p50_ms` is the difference of the p50s.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createPublishedApi } from "@tandem/api";
import { createTandem, resolveRuntimeConfig, saveModelProvider } from "@tandem/runner";
import { startModelServerProcess } from "../shared/model-server-process.ts";
import { runLoad } from "../shared/run-load.ts";

const { values } = parseArgs({ options: { requests: { type: "string", default: "1000" } } });
// Steady state: enough calls first for V8 to have optimised the hot path (50 were not).
const WARMUP = 300;
const requests = Number(values.requests);
const PROMPT = "Say something short.";

const models = await startModelServerProcess({ models: ["small"], reply: "Tandem streams small models well." });

const dataDir = await mkdtemp(path.join(tmpdir(), "tandem-bench-ttft-"));
const tandem = await createTandem(resolveRuntimeConfig({ TANDEM_DATA_DIR: dataDir }), "web");
const { prisma } = tandem.db;
const workspaceId = (await prisma.workspace.create({ data: { name: "bench", slug: `bench-${randomUUID()}` } })).id;
await saveModelProvider(prisma, tandem.secrets, workspaceId, { name: "lab", kind: "openai_compatible", baseUrl: models.openaiBaseUrl, isLocal: true, settings: {} });
const draft = {
  schemaVersion: 1,
  kind: "workflow",
  graph: {
    nodes: [
      { id: "start", type: "start", version: 1, position: { x: 0, y: 0 }, config: { variables: [{ name: "query", type: "paragraph", required: true }] } },
      { id: "llm", type: "llm", version: 1, position: { x: 0, y: 0 }, config: { model: { model: "lab:small" }, messages: [{ role: "user", text: "{{#start.query#}}" }], stream: true } },
      { id: "end", type: "end", version: 1, position: { x: 0, y: 0 }, config: { outputs: [{ name: "answer", selector: ["llm", "text"] }] } },
    ],
    edges: [
      { id: "e1", source: "start", target: "llm" },
      { id: "e2", source: "llm", target: "end" },
    ],
  },
};
const app = await prisma.app.create({ data: { workspaceId, name: "bench", slug: "bench", kind: "workflow", draft } });
await tandem.publishing.publishApp(workspaceId, app.id);
const { key } = await tandem.publishing.createApiKey(workspaceId, app.id, { name: "bench" });
const handle = createPublishedApi(tandem);
const server = createServer((request, response) => void handle(request, response));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const address = server.address();
const port = typeof address === "object" && address ? address.port : 0;

const direct = await runLoad({
  url: `${models.openaiBaseUrl}/chat/completions`,
  headers: {},
  body: { model: "small", messages: [{ role: "user", content: PROMPT }], stream: true },
  concurrency: 1,
  requests,
  warmup: WARMUP,
  mode: "first-token",
  tokenPattern: '"content":"[^"]',
});
console.error(`direct: ${JSON.stringify(direct)}`);
const api = await runLoad({
  url: `http://127.0.0.1:${port}/v1/workflows/run`,
  headers: { authorization: `Bearer ${key}` },
  body: { inputs: { query: PROMPT }, user: "bench", response_mode: "streaming" },
  concurrency: 1,
  requests,
  warmup: WARMUP,
  mode: "first-token",
  tokenPattern: '"event":"text_chunk"',
});
console.error(`api: ${JSON.stringify(api)}`);

server.closeAllConnections();
await new Promise<void>((resolve) => server.close(() => resolve()));
await tandem.close();
await models.close();
await rm(dataDir, { recursive: true, force: true });
const round = (value: number) => Math.round(value * 100) / 100;
console.log(
  JSON.stringify({
    bench: "stream-ttft",
    added_ttft_p50_ms: round(api.p50_ms - direct.p50_ms),
    api_ttft_p50_ms: api.p50_ms,
    api_ttft_p99_ms: api.p99_ms,
    direct_ttft_p50_ms: direct.p50_ms,
    errors: api.errors + direct.errors,
  }),
);
process.exit(0);
