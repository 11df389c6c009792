/**
 * `npm run bench -- engine [--runs N]`
 * Per-node cost of Tandem's runtime on a 50-node chain of template nodes and a 20-way fan-out/fan-in,
 * against the same shapes built directly in LangGraph from plain functions; and the same with run
 * persistence (events, node executions) and checkpoints on embedded Postgres.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createUnconfiguredModelGateway, runWorkflow, validateWorkflow, type EngineServices, type WorkflowDocument } from "@tandem/engine";
import { createRun, createTandem, resolveRuntimeConfig, runWorkflowJob } from "@tandem/runner";
import { rawChain, rawFan } from "./raw-langgraph.ts";
import { chainDocument, fanDocument } from "./shapes.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "300" }, "persisted-runs": { type: "string", default: "40" } } });
const runs = Number(values.runs);
const persistedRuns = Number(values["persisted-runs"]);

const services: EngineServices = {
  http: { request: () => Promise.reject(new Error("no network in this benchmark")) },
  sandbox: { run: () => Promise.reject(new Error("no sandbox in this benchmark")) },
  models: createUnconfiguredModelGateway(),
};

function valid(document: WorkflowDocument): WorkflowDocument {
  const validation = validateWorkflow(document);
  if (!validation.ok || !validation.document) throw new Error(`benchmark document is invalid: ${JSON.stringify(validation.problems)}`);
  return validation.document;
}

const shapes = [
  { name: "chain", document: valid(chainDocument(50)), nodes: 52, raw: rawChain(50), rawNodes: 50 },
  { name: "fan", document: valid(fanDocument(20)), nodes: 23, raw: rawFan(20), rawNodes: 21 },
];

const percentile = (samples: number[], fraction: number) => {
  const sorted = [...samples].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
};
const round = (value: number) => Math.round(value * 10) / 10;

async function measure(count: number, once: () => Promise<number>): Promise<number[]> {
  for (let warm = 0; warm < Math.min(20, count); warm += 1) await once();
  const samples: number[] = [];
  for (let index = 0; index < count; index += 1) samples.push(await once());
  return samples;
}

const tandemPerNode: number[] = [];
const rawPerNode: number[] = [];
const detail: Record<string, unknown> = {};
for (const shape of shapes) {
  let counter = 0;
  const tandem = await measure(runs, async () => {
    const started = performance.now();
    const outcome = await runWorkflow({ runId: `bench-${shape.name}-${(counter += 1)}`, document: shape.document, inputs: { seed: "x" }, services, onEvent: () => undefined });
    if (outcome.status !== "succeeded") throw new Error(`run failed: ${outcome.error}`);
    return ((performance.now() - started) * 1000) / shape.nodes;
  });
  const raw = await measure(runs, async () => {
    const started = performance.now();
    await shape.raw.invoke({ values: { seed: "x" } }, { recursionLimit: 200 });
    return ((performance.now() - started) * 1000) / shape.rawNodes;
  });
  tandemPerNode.push(...tandem);
  rawPerNode.push(...raw);
  detail[shape.name] = { tandem_per_node_p50_us: round(percentile(tandem, 0.5)), raw_langgraph_per_node_p50_us: round(percentile(raw, 0.5)) };
}

// Persisted: the run-workflow job on embedded Postgres, with events, node executions and checkpoints.
const dataDir = await mkdtemp(path.join(tmpdir(), "tandem-bench-engine-"));
const tandem = await createTandem(resolveRuntimeConfig({ TANDEM_DATA_DIR: dataDir }), "cli");
const persistedPerNode: number[] = [];
try {
  const { prisma } = tandem.db;
  const workspace = await prisma.workspace.create({ data: { name: "Bench", slug: "bench" } });
  for (const shape of shapes) {
    const app = await prisma.app.create({ data: { workspaceId: workspace.id, name: shape.name, slug: shape.name, kind: "workflow", draft: {} } });
    const samples = await measure(persistedRuns, async () => {
      const run = await createRun(prisma, { workspaceId: workspace.id, appId: app.id, document: shape.document, inputs: { seed: "x" }, trigger: "api" });
      const started = performance.now();
      const result = await runWorkflowJob(tandem.jobDependencies, run.id, new AbortController().signal);
      if (result.status !== "succeeded") throw new Error(`persisted run ended ${result.status}`);
      return ((performance.now() - started) * 1000) / shape.nodes;
    });
    persistedPerNode.push(...samples);
    (detail[shape.name] as Record<string, unknown>).persisted_per_node_p50_us = round(percentile(samples, 0.5));
  }
} finally {
  await tandem.close();
  await rm(dataDir, { recursive: true, force: true });
}

console.log(JSON.stringify({ bench: "engine", ...detail }));
console.log(
  JSON.stringify({
    bench: "engine",
    per_node_p50_us: round(percentile(tandemPerNode, 0.5)),
    per_node_p99_us: round(percentile(tandemPerNode, 0.99)),
    overhead_ratio_vs_raw_langgraph: Math.round((percentile(tandemPerNode, 0.5) / percentile(rawPerNode, 0.5)) * 1000) / 1000,
    per_node_p50_us_persisted: round(percentile(persistedPerNode, 0.5)),
    raw_langgraph_per_node_p50_us: round(percentile(rawPerNode, 0.5)),
    runs,
    persisted_runs: persistedRuns,
  }),
);
