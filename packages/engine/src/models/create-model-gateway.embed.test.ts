import { hashingEmbedding, startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createModelGateway } from "./create-model-gateway.ts";
import { guardLoopback, type LoopbackGuard } from "./testing/guard-loopback.ts";
import { createFakeLocalRuntime } from "./testing/fake-local-runtime.ts";

let server: ScriptedModelServer;
let guard: LoopbackGuard;

beforeAll(async () => {
  guard = guardLoopback();
  server = await startScriptedModelServer({ models: ["nomic-embed-text", "text-embedding-3-small", "qwen2.5:3b"], embeddingDimensions: 32 });
});
afterAll(async () => {
  await server.close();
  guard.restore();
  expect(guard.violations).toEqual([]);
});
beforeEach(() => {
  server.clearRules();
  server.resetCalls();
});

const texts = Array.from({ length: 150 }, (_, index) => `passage number ${index} about local models`);
const signal = () => new AbortController().signal;

describe.each([
  ["openai_compatible", "/v1/embeddings"],
  ["ollama", "/api/embed"],
] as const)("embeddings over %s", (kind, path) => {
  const gateway = () =>
    createModelGateway({ providers: [{ name: "box", kind, baseUrl: kind === "ollama" ? server.url : server.openaiBaseUrl, isLocal: true }] });

  it("embeds in batches of 64 texts, keeping the order", async () => {
    const result = await gateway().embed({ model: "box:nomic-embed-text", texts, signal: signal(), private: false });
    expect(server.calls.map((call) => [call.path, call.messages.length])).toEqual([
      [path, 64],
      [path, 64],
      [path, 22],
    ]);
    expect(result.vectors).toHaveLength(150);
    for (const index of [0, 63, 64, 149]) {
      const expected = hashingEmbedding(texts[index] ?? "", 32);
      result.vectors[index]?.forEach((value, position) => expect(value).toBeCloseTo(expected[position] ?? Number.NaN, 5));
    }
    expect(result.usage.model).toEqual({ provider: "box", model: "nomic-embed-text" });
    expect(result.usage.tokensIn).toBeGreaterThan(150);
  });

  it("sends nothing for no texts", async () => {
    const result = await gateway().embed({ model: "box:nomic-embed-text", texts: [], signal: signal(), private: false });
    expect(result.vectors).toEqual([]);
    expect(server.calls).toHaveLength(0);
  });

  it("fails with the provider's reason, without trying another model", async () => {
    server.addRule({ match: { endpoint: "embeddings" }, reply: { type: "error", status: 500, message: "out of memory" } });
    await expect(gateway().embed({ model: "box:nomic-embed-text", texts: ["a"], signal: signal(), private: false })).rejects.toMatchObject({
      code: "all_failed",
      message: expect.stringContaining("out of memory") as unknown,
    });
    expect(server.calls).toHaveLength(1);
  });
});

describe("embedding routing", () => {
  it("refuses a cloud embedding model for private data", async () => {
    const gateway = createModelGateway({
      providers: [{ name: "openai", kind: "openai_compatible", preset: "openai", baseUrl: server.openaiBaseUrl, isLocal: false }],
    });
    await expect(gateway.embed({ model: "openai:text-embedding-3-small", texts: ["secret"], signal: signal(), private: true })).rejects.toMatchObject({
      code: "private_refused",
      message: expect.stringContaining("openai:text-embedding-3-small") as unknown,
    });
    expect(server.calls).toHaveLength(0);
  });

  it("embeds through the local runtime in batches", async () => {
    const runtime = createFakeLocalRuntime();
    const gateway = createModelGateway({ providers: [{ name: "local", kind: "local", isLocal: true }], localRuntime: runtime, embedBatchSize: 10 });
    const result = await gateway.embed({ model: "local:stories260K", texts: texts.slice(0, 25), signal: signal(), private: true });
    expect(runtime.embedded.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(result.vectors[24]).toEqual([(texts[24] ?? "").length, 1, 0]);
  });

  it("uses a tier's first model", async () => {
    const gateway = createModelGateway({
      providers: [{ name: "ollama", kind: "ollama", baseUrl: server.url, isLocal: true }],
      tiers: { embed: ["ollama:nomic-embed-text"] },
    });
    const result = await gateway.embed({ model: "tier:embed", texts: ["x"], signal: signal(), private: false });
    expect(result.usage.model).toEqual({ provider: "ollama", model: "nomic-embed-text" });
  });
});
