import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PROBE_PROMPTS, PROBE_TOOL, probeModel } from "./probe-capabilities.ts";
import { listProviderModels } from "./list-provider-models.ts";
import { providerConfigSchema, type ProviderConfig, type ProviderConfigInput } from "./provider-config.ts";
import { testProviderConnection } from "./test-provider-connection.ts";
import { createFakeLocalRuntime } from "./testing/fake-local-runtime.ts";
import { guardLoopback, type LoopbackGuard } from "./testing/guard-loopback.ts";
import { freePort, startBareServer } from "./testing/start-bare-server.ts";

let server: ScriptedModelServer;
let guard: LoopbackGuard;

beforeAll(async () => {
  guard = guardLoopback();
  server = await startScriptedModelServer({ models: ["qwen2.5:3b", "nomic-embed-text"] });
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

const provider = (input: ProviderConfigInput): ProviderConfig => providerConfigSchema.parse(input);
const kinds = ["openai_compatible", "ollama"] as const;
const boxOf = (kind: (typeof kinds)[number], preset?: string) =>
  provider({ name: "box", kind, preset, baseUrl: kind === "ollama" ? server.url : server.openaiBaseUrl, isLocal: true });

function scriptCapableModel(): void {
  server.addRule({ match: { prompt: PROBE_PROMPTS.tools }, reply: { type: "tool-call", calls: [{ name: PROBE_TOOL.name, arguments: { timezone: "UTC" } }] } });
  server.addRule({ match: { prompt: PROBE_PROMPTS.json }, reply: { type: "json", value: { ok: true } } });
}

describe.each(kinds)("probing a model over %s", (kind) => {
  it("finds every capability a capable model has, and its context length", async () => {
    scriptCapableModel();
    const capabilities = await probeModel(boxOf(kind, "ollama"), "qwen2.5:3b");
    expect(capabilities).toMatchObject({ chat: true, streaming: true, tools: true, json: true, embeddings: true, contextLength: 8192 });
    expect(Date.parse(capabilities.probedAt)).not.toBeNaN();
    const paths = new Set(server.calls.map((call) => call.path));
    expect(paths).toEqual(kind === "ollama" ? new Set(["/api/chat", "/api/embed"]) : new Set(["/v1/chat/completions", "/v1/embeddings"]));
  });

  it("reports what a model does not do as false, without throwing", async () => {
    server.addRule({ match: { prompt: PROBE_PROMPTS.chat }, reply: { type: "error", status: 500, message: "no chat here" } });
    server.addRule({ match: { endpoint: "embeddings" }, reply: { type: "error", status: 400, message: "not an embedding model" } });
    const capabilities = await probeModel(boxOf(kind), "qwen2.5:3b");
    // The scripted default reply is plain text: no tool call, no JSON.
    expect(capabilities).toMatchObject({ chat: false, streaming: false, tools: false, json: false, embeddings: false });
  });
});

describe("probing", () => {
  it("reads nothing but false from a server that is not there, within the timeout", async () => {
    const port = await freePort();
    const started = performance.now();
    const capabilities = await probeModel(provider({ name: "gone", kind: "openai_compatible", baseUrl: `http://127.0.0.1:${port}/v1`, isLocal: true }), "m", {
      timeoutMs: 2000,
    });
    expect(capabilities).toMatchObject({ chat: false, streaming: false, tools: false, json: false, embeddings: false, contextLength: null });
    expect(performance.now() - started).toBeLessThan(2500);
  });

  it("probes the embedded runtime: no native tools, context length from its listing", async () => {
    const runtime = createFakeLocalRuntime();
    const capabilities = await probeModel(provider({ name: "local", kind: "local", isLocal: true }), "stories260K", { localRuntime: runtime });
    expect(capabilities).toMatchObject({ chat: true, streaming: true, tools: false, json: false, embeddings: true, contextLength: 2048 });
  });

  it("reads llama.cpp's context length from /props and vLLM's from its model listing", async () => {
    const llamaCpp = await startBareServer((request) =>
      request.url === "/props"
        ? { status: 200, body: { default_generation_settings: { n_ctx: 16384 } } }
        : request.url === "/v1/models"
          ? { status: 200, body: { object: "list", data: [{ id: "m", owned_by: "llamacpp" }] } }
          : { status: 500, body: { error: { message: "not scripted" } } },
    );
    const vllm = await startBareServer((request) =>
      request.url === "/v1/models" ? { status: 200, body: { data: [{ id: "m", max_model_len: 32768 }] } } : { status: 500, body: {} },
    );
    try {
      const fromProps = await probeModel(provider({ name: "l", kind: "openai_compatible", preset: "llamacpp", baseUrl: `${llamaCpp.url}/v1`, isLocal: true }), "m");
      expect(fromProps.contextLength).toBe(16384);
      const fromListing = await probeModel(provider({ name: "v", kind: "openai_compatible", preset: "vllm", baseUrl: `${vllm.url}/v1`, isLocal: true }), "m");
      expect(fromListing.contextLength).toBe(32768);
    } finally {
      await Promise.all([llamaCpp.close(), vllm.close()]);
    }
  });
});

describe("listing models and testing connections", () => {
  it.each(kinds)("lists the models of a %s server", async (kind) => {
    expect(await listProviderModels(boxOf(kind))).toEqual(["qwen2.5:3b", "nomic-embed-text"]);
    const test = await testProviderConnection(boxOf(kind));
    expect(test).toMatchObject({ ok: true, models: ["qwen2.5:3b", "nomic-embed-text"] });
    expect(test.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("says nothing answers when nothing listens", async () => {
    const port = await freePort();
    const test = await testProviderConnection(provider({ name: "gone", kind: "ollama", baseUrl: `http://127.0.0.1:${port}`, isLocal: true }));
    expect(test.ok).toBe(false);
    expect(test.error).toBe(`Nothing answers at http://127.0.0.1:${port}: is the server running?`);
  });

  it("says the API key was refused on 401", async () => {
    const guarded = await startBareServer(() => ({ status: 401, body: { error: { message: "Incorrect API key provided" } } }));
    try {
      const test = await testProviderConnection(provider({ name: "cloud", kind: "openai_compatible", baseUrl: `${guarded.url}/v1`, apiKey: "wrong", isLocal: false }));
      expect(test.ok).toBe(false);
      expect(test.error).toMatch(/^The API key was refused/);
    } finally {
      await guarded.close();
    }
  });

  it("points at the base URL on 404, and at the kind when the answer is not a model listing", async () => {
    const wrongPath = await testProviderConnection(provider({ name: "box", kind: "openai_compatible", baseUrl: server.url, isLocal: true }));
    expect(wrongPath.error).toMatch(/answered 404: check the base URL \(OpenAI-compatible servers usually end in \/v1\)/);
    const other = await startBareServer(() => ({ status: 200, body: { hello: "world" } }));
    try {
      const wrongKind = await testProviderConnection(provider({ name: "x", kind: "ollama", baseUrl: other.url, isLocal: true }));
      expect(wrongKind.error).toBe(`${other.url} answered, but not like an Ollama server: check the kind and URL.`);
    } finally {
      await other.close();
    }
  });
});
