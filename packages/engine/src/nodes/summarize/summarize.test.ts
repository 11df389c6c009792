import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { countTokens } from "../../models/count-tokens.ts";
import { createModelGateway } from "../../models/create-model-gateway.ts";
import { createNodeTestContext } from "../../testing/node-test-context.ts";
import { splitIntoChunks } from "./split-into-chunks.ts";
import { summarizeNode } from "./summarize.node.ts";
import { summarizeConfigSchema } from "./summarize.schema.ts";

let server: ScriptedModelServer;
beforeAll(async () => {
  server = await startScriptedModelServer({ models: ["scripted-small"] });
});
afterAll(() => server.close());
beforeEach(() => {
  server.clearRules();
  server.resetCalls();
});

const MAP = "Summarise the text.";
const REDUCE = "Combine them into one summary.";

const paragraph = (name: string) =>
  `Part ${name} of the report. The team shipped the ${name} milestone on time. Costs stayed within the budget agreed in spring. Customers asked for more exports.`;
const report = ["one", "two", "three", "four", "five", "six"].map(paragraph).join("\n\n");

function run(config: Record<string, unknown>, input = report, contextLength?: number) {
  const models = createModelGateway({
    providers: [{ name: "local", kind: "openai_compatible", baseUrl: server.openaiBaseUrl, isLocal: true, settings: contextLength ? { contextLength } : {} }],
  });
  const context = createNodeTestContext({ pool: { start: { text: input } }, services: { models } });
  return { context, result: summarizeNode.run(summarizeConfigSchema.parse({ model: { model: "local:scripted-small" }, input: ["start", "text"], ...config }), context) };
}

describe("summarize node", () => {
  it("summarises text that fits in one call, streaming it", async () => {
    server.addRule({ reply: { type: "text", text: "A short summary." } });
    const { context, result } = run({ instruction: "Focus on costs." }, paragraph("one"));
    expect((await result).outputs).toEqual({ summary: "A short summary.", chunks: 1, rounds: 1 });
    expect(server.calls).toHaveLength(1);
    expect(server.calls[0]?.system).toContain(MAP);
    expect(server.calls[0]?.system).toContain("Focus on costs.");
    expect(server.calls[0]?.stream).toBe(true);
    expect(context.deltas.join("")).toBe("A short summary.");
  });

  it("maps chunks within the budget, then reduces, streaming only the final call", async () => {
    server.addRule({ match: { system: MAP }, reply: { type: "text", text: "Milestone shipped." } });
    server.addRule({ match: { system: REDUCE }, reply: { type: "text", text: "All six milestones shipped within budget." } });
    const { context, result } = run({ maxChunkTokens: 40, parallelism: 3 });
    const { outputs, usage, inputs } = await result;
    const maps = server.calls.filter((call) => call.system.includes(MAP));
    expect(outputs).toEqual({ summary: "All six milestones shipped within budget.", chunks: maps.length, rounds: 2 });
    expect(maps.length).toBeGreaterThanOrEqual(6);
    for (const call of maps) {
      expect(countTokens(call.prompt)).toBeLessThanOrEqual(40);
      expect(call.stream).toBe(false);
    }
    const last = server.calls.at(-1);
    expect(last?.system).toContain(REDUCE);
    expect(last?.stream).toBe(true);
    expect(last?.prompt).toBe(Array.from({ length: maps.length }, () => "Milestone shipped.").join("\n\n"));
    expect(context.deltas.join("")).toBe("All six milestones shipped within budget.");
    expect(inputs).toMatchObject({ chunkBudget: 40 });
    expect(usage?.tokensIn).toBeGreaterThan(maps.length * 10);
  });

  it("reduces again, in parts, while the summaries do not fit together", async () => {
    server.addRule({ match: { system: MAP }, reply: { type: "text", text: "The team shipped a milestone on time and within the agreed budget this quarter." } });
    server.addRule({ match: { system: REDUCE }, reply: { type: "text", text: "Shipped." } });
    const { outputs } = await run({ maxChunkTokens: 40 }).result;
    expect(outputs.rounds).toBe(3);
    const reduces = server.calls.filter((call) => call.system.includes(REDUCE));
    expect(reduces.length).toBeGreaterThan(1);
    expect(server.calls.at(-1)?.prompt).toMatch(/^Shipped\.(\n\nShipped\.)+$/);
  });

  it("sizes chunks to the model's context window", async () => {
    server.addRule({ reply: { type: "text", text: "Summary." } });
    const long = Array.from({ length: 40 }, (_, index) => paragraph(String(index))).join("\n\n");
    const { inputs, outputs } = await run({}, long, 1024).result;
    // 1024 tokens of context, less the prompt and an answer allowance of a quarter.
    expect(inputs?.chunkBudget).toBeLessThan(1024 - 256);
    expect(inputs?.chunkBudget).toBeGreaterThan(600);
    expect(outputs.chunks).toBeGreaterThan(1);
    expect(outputs.chunks).toBeLessThan(5);
  });

  it("keeps no more than `parallelism` map calls in flight, and the summaries in order", async () => {
    for (const name of ["one", "two", "three"]) server.addRule({ match: { prompt: `Part ${name}` }, reply: { type: "delay", ms: 60, then: { type: "text", text: `S-${name}` } } });
    server.addRule({ reply: { type: "text", text: "Done." } });
    const input = ["one", "two", "three"].map(paragraph).join("\n\n");
    await run({ maxChunkTokens: 40, parallelism: 1 }, input).result;
    const maps = server.calls.filter((call) => call.system.includes(MAP));
    expect(maps).toHaveLength(3);
    expect((maps[2]?.at ?? 0) - (maps[0]?.at ?? 0)).toBeGreaterThanOrEqual(110);
    expect(server.calls.at(-1)?.prompt).toBe("S-one\n\nS-two\n\nS-three");
  });

  it("splits at paragraphs, then sentences, then words", () => {
    const tokens = (text: string) => text.split(/\s+/).filter(Boolean).length;
    expect(splitIntoChunks("a b\n\nc d\n\ne f", 5, tokens)).toEqual(["a b\n\nc d", "e f"]);
    expect(splitIntoChunks("One two three. Four five six. Seven.", 4, tokens)).toEqual(["One two three.", "Four five six.", "Seven."]);
    expect(splitIntoChunks("a b c d e f g", 3, tokens)).toEqual(["a b", "c d", "e f", "g"]);
  });
});
