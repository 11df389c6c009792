/**
 * `npm run bench -- llm-overhead [--runs N]`
 * What Tandem adds to a model call: an `llm` node run through the engine (start → llm → end) against
 * the same request sent straight to the scripted model server with the official `openai` SDK, both at
 * zero model latency. Blocking latency and time to first streamed token.
 */
import { parseArgs } from "node:util";
import { createGuardedHttp, createModelGateway, createQuickJsSandbox, runWorkflow, validateWorkflow, type WorkflowDocument } from "@tandem/engine";
import { startScriptedModelServer } from "@tandem/testkit";
import OpenAI from "openai";

const { values } = parseArgs({ options: { runs: { type: "string", default: "400" } } });
const runs = Number(values.runs);
const server = await startScriptedModelServer({ latencyMs: 0 });
server.addRule({ reply: { type: "text", text: "Tandem runs small models well." } });
const messages = [{ role: "user" as const, content: "Say something short." }];

function documentFor(stream: boolean): WorkflowDocument {
  const validation = validateWorkflow({
    schemaVersion: 1,
    kind: "workflow",
    graph: {
      nodes: [
        { id: "start", type: "start", version: 1, config: { variables: [] } },
        { id: "llm", type: "llm", version: 1, config: { model: { model: "scripted:scripted-small" }, messages: [{ role: "user", text: messages[0]?.content }], stream } },
        { id: "end", type: "end", version: 1, config: { outputs: [{ name: "text", selector: ["llm", "text"] }] } },
      ],
      edges: [
        { id: "e1", source: "start", target: "llm" },
        { id: "e2", source: "llm", target: "end" },
      ],
    },
  });
  if (!validation.ok || !validation.document) throw new Error(JSON.stringify(validation.problems));
  return validation.document;
}

const services = {
  http: createGuardedHttp(),
  sandbox: createQuickJsSandbox(),
  models: createModelGateway({ providers: [{ name: "scripted", kind: "openai_compatible", baseUrl: server.openaiBaseUrl, isLocal: true }] }),
};
const client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: "bench", maxRetries: 0 });
const blocking = documentFor(false);
const streaming = documentFor(true);

async function sample(count: number, once: () => Promise<number>): Promise<number[]> {
  for (let warm = 0; warm < 30; warm += 1) await once();
  const samples: number[] = [];
  for (let index = 0; index < count; index += 1) samples.push(await once());
  return samples;
}
const percentile = (samples: number[], fraction: number) => [...samples].sort((left, right) => left - right)[Math.min(samples.length - 1, Math.floor(fraction * samples.length))] ?? Number.NaN;
const round = (value: number) => Math.round(value * 100) / 100;

let counter = 0;
const direct = await sample(runs, async () => {
  const started = performance.now();
  await client.chat.completions.create({ model: "scripted-small", messages });
  return performance.now() - started;
});
const engine = await sample(runs, async () => {
  const started = performance.now();
  const outcome = await runWorkflow({ runId: `bench-${(counter += 1)}`, document: blocking, inputs: {}, services, onEvent: () => undefined });
  if (outcome.status !== "succeeded") throw new Error(outcome.error);
  return performance.now() - started;
});
const directTtft = await sample(runs, async () => {
  const started = performance.now();
  const stream = await client.chat.completions.create({ model: "scripted-small", messages, stream: true });
  let first = Number.NaN;
  for await (const chunk of stream) {
    if (Number.isNaN(first) && chunk.choices[0]?.delta.content) first = performance.now() - started;
  }
  return first;
});
const engineTtft = await sample(runs, async () => {
  const started = performance.now();
  let first = Number.NaN;
  await runWorkflow({
    runId: `bench-stream-${(counter += 1)}`,
    document: streaming,
    inputs: {},
    services,
    onEvent: (event) => {
      if (event.type === "node-delta" && Number.isNaN(first)) first = performance.now() - started;
    },
  });
  return first;
});
await server.close();

console.log(
  JSON.stringify({
    bench: "llm-overhead",
    added_p50_ms: round(percentile(engine, 0.5) - percentile(direct, 0.5)),
    added_p99_ms: round(percentile(engine, 0.99) - percentile(direct, 0.99)),
    added_ttft_p50_ms: round(percentile(engineTtft, 0.5) - percentile(directTtft, 0.5)),
    direct_p50_ms: round(percentile(direct, 0.5)),
    engine_p50_ms: round(percentile(engine, 0.5)),
    runs,
  }),
);
