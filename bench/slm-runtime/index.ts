/**
 * `npm run bench -- slm-runtime [--rounds N] [--max-tokens T] [--model PATH]`
 * Generation speed through Tandem's local runtime (`runtime.complete`) against node-llama-cpp called
 * directly, on the same model, prompt, greedy sampling and one thread. Both share one llama.cpp
 * binding and are measured in alternating rounds after a warm-up, so drift hits both alike; each side's
 * figure is the median of its runs. The last line is one JSON object; ratio = tandem / direct (the
 * wrapper should cost nothing per token: ≥ 0.9).
 */
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createLocalModelRuntime } from "@tandem/local-models";
import { getLlama, LlamaCompletion, LlamaLogLevel } from "node-llama-cpp";

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "30" },
    "max-tokens": { type: "string", default: "256" },
    model: { type: "string", default: path.join(repositoryRoot, "../shared/data/models/stories260K.gguf") },
  },
});
const rounds = Number(values.rounds);
const maxTokens = Number(values["max-tokens"]);
const modelPath = path.resolve(values.model);
const prompt = "Once upon a time";
const threads = 1;

interface Side {
  tokens: number;
  seconds: number;
  /** CPU time of the whole process (all threads): unlike wall time, barely moved by busy neighbours. */
  cpuSeconds: number;
}

function cpuSecondsSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });

// node-llama-cpp directly: one context and sequence, reused across runs like the runtime does.
const model = await llama.loadModel({ modelPath });
const context = await model.createContext({ contextSize: Math.min(model.trainContextSize, 4096), threads });
const sequence = context.getSequence();
const completion = new LlamaCompletion({ contextSequence: sequence });
async function runDirect(): Promise<Side> {
  const before = sequence.tokenMeter.getState();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await completion.generateCompletion(prompt, { maxTokens });
  const seconds = (performance.now() - started) / 1000;
  return { tokens: sequence.tokenMeter.diff(before).usedOutputTokens, seconds, cpuSeconds: cpuSecondsSince(cpuBefore) };
}

// Tandem's runtime over a models folder holding the same file.
const modelsDir = await mkdtemp(path.join(tmpdir(), "tandem-bench-slm-"));
await symlink(modelPath, path.join(modelsDir, "bench.gguf"));
const runtime = createLocalModelRuntime({ modelsDir, llama, threads });
async function runTandem(): Promise<Side> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await runtime.complete({ model: "bench", prompt, maxTokens });
  const seconds = (performance.now() - started) / 1000;
  return { tokens: result.usage.tokensOut, seconds, cpuSeconds: cpuSecondsSince(cpuBefore) };
}

await runDirect();
await runTandem();
const rates = { direct: [] as number[], tandem: [] as number[] };
const totals = { direct: { tokens: 0, seconds: 0, cpuSeconds: 0 }, tandem: { tokens: 0, seconds: 0, cpuSeconds: 0 } };
for (let round = 0; round < rounds; round += 1) {
  // Alternate who goes first so neither always runs on a warmer cache.
  const order = round % 2 === 0 ? (["direct", "tandem"] as const) : (["tandem", "direct"] as const);
  for (const side of order) {
    const measured = side === "direct" ? await runDirect() : await runTandem();
    rates[side].push(measured.tokens / measured.seconds);
    totals[side].tokens += measured.tokens;
    totals[side].seconds += measured.seconds;
    totals[side].cpuSeconds += measured.cpuSeconds;
  }
}

/** Medians: on a shared 2-core machine a neighbour's burst hits single runs, not the middle of the set. */
function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
const tandemTokensPerSecond = median(rates.tandem);
const directTokensPerSecond = median(rates.direct);
console.log(`model ${modelPath}, prompt ${JSON.stringify(prompt)}, ${maxTokens} tokens × ${rounds} rounds, ${threads} thread`);
for (const side of ["direct", "tandem"] as const) {
  const perRun = rates[side].map((rate) => rate.toFixed(0)).join(" ");
  console.log(`${side}: ${totals[side].tokens} tokens in ${totals[side].seconds.toFixed(3)} s; tokens/s per run: ${perRun}`);
}
const cpuRate = (side: "direct" | "tandem"): number => totals[side].tokens / totals[side].cpuSeconds;
console.log(
  `per CPU second: direct ${cpuRate("direct").toFixed(0)}, tandem ${cpuRate("tandem").toFixed(0)} tokens (ratio ${(cpuRate("tandem") / cpuRate("direct")).toFixed(3)})`,
);

completion.dispose();
await runtime.close();
await model.dispose();
await llama.dispose();
await rm(modelsDir, { recursive: true, force: true });

console.log(
  JSON.stringify({
    bench: "slm-runtime",
    tandem_tokens_per_s: Math.round(tandemTokensPerSecond * 10) / 10,
    direct_tokens_per_s: Math.round(directTokensPerSecond * 10) / 10,
    ratio: Math.round((tandemTokensPerSecond / directTokensPerSecond) * 1000) / 1000,
  }),
);
