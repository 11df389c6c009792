import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countTokens } from "./count-tokens.ts";
import { createChatModel } from "./create-chat-model.ts";
import { describeModel } from "./describe-model.ts";
import { costOf, createPriceTable } from "./price-table.ts";
import { providerConfigSchema, type ProviderConfigInput } from "./provider-config.ts";
import { providerBaseUrl, providerPresets, type ProviderPreset } from "./provider-presets.ts";
import { parseModelReference, resolveModelChain } from "./resolve-model-chain.ts";
import { guardLoopback, type LoopbackGuard } from "./testing/guard-loopback.ts";

const provider = (input: ProviderConfigInput) => providerConfigSchema.parse(input);

describe("model references", () => {
  it("splits on the first colon", () => {
    expect(parseModelReference("ollama:qwen2.5:3b")).toEqual({ provider: "ollama", model: "qwen2.5:3b" });
    expect(parseModelReference("openrouter:openai/gpt-4o-mini")).toEqual({ provider: "openrouter", model: "openai/gpt-4o-mini" });
    expect(parseModelReference("no-colon")).toBeNull();
    expect(parseModelReference("trailing:")).toBeNull();
  });

  it("orders without repeats and keeps the author's order within local and cloud", () => {
    const providers = new Map([
      ["a", provider({ name: "a", kind: "ollama", isLocal: true, preset: "ollama" })],
      ["c", provider({ name: "c", kind: "openai_compatible", isLocal: false, preset: "openai" })],
    ]);
    const chain = resolveModelChain({ model: "c:1", fallbacks: ["a:1", "c:2", "a:2", "c:1"], policy: "local-first", private: false, providers, tiers: {} });
    expect(chain.candidates.map((candidate) => candidate.reference)).toEqual(["a:1", "a:2", "c:1", "c:2"]);
  });
});

describe("provider config and presets", () => {
  it("parses a provider, defaulting settings", () => {
    expect(provider({ name: "ollama", kind: "ollama", isLocal: true }).settings).toEqual({});
    expect(() => provider({ name: "tier", kind: "ollama", isLocal: true })).toThrow(/reserved/);
    expect(() => provider({ name: "a:b", kind: "ollama", isLocal: true })).toThrow(/prefixes model references/);
  });

  it("gives each preset a base URL for its kind and Ollama one per protocol", () => {
    const presets: Record<string, ProviderPreset> = providerPresets;
    for (const [id, preset] of Object.entries(presets)) {
      if (preset.kind !== "local") expect(preset.baseUrls[preset.kind], id).toMatch(/^https?:\/\//);
    }
    expect(providerBaseUrl({ name: "o", kind: "ollama", preset: "ollama" })).toBe("http://127.0.0.1:11434");
    expect(providerBaseUrl({ name: "o", kind: "openai_compatible", preset: "ollama" })).toBe("http://127.0.0.1:11434/v1");
    expect(providerBaseUrl({ name: "q", kind: "openai_compatible", preset: "qwen" })).toBe("https://dashscope.aliyuncs.com/compatible-mode/v1");
    expect(providerBaseUrl({ name: "x", kind: "openai_compatible", preset: "vllm", baseUrl: "http://gpu-box:8000/v1/" })).toBe("http://gpu-box:8000/v1");
    expect(() => providerBaseUrl({ name: "x", kind: "openai_compatible" })).toThrow(/no base URL/);
    expect(Object.values(providerPresets).filter((preset) => preset.isLocal)).toHaveLength(7);
  });
});

describe("price table", () => {
  const cloud = { name: "openai", isLocal: false };

  it("prices known cloud models per million tokens, versioned names included", () => {
    expect(costOf(cloud, "gpt-4o-mini", 1_000_000, 1_000_000)).toBeCloseTo(0.75, 10);
    expect(costOf(cloud, "gpt-4o-mini-2024-07-18", 1_000_000, 0)).toBeCloseTo(0.15, 10);
    expect(costOf(cloud, "gpt-4o-2024-08-06", 1_000_000, 0)).toBeCloseTo(2.5, 10);
    expect(costOf({ name: "openrouter", isLocal: false }, "openai/gpt-4o-mini", 0, 1_000_000)).toBeCloseTo(0.6, 10);
    expect(costOf(cloud, "unknown-model", 10, 10)).toBeUndefined();
  });

  it("charges nothing for local models unless the workspace says so", () => {
    expect(costOf({ name: "ollama", isLocal: true }, "gpt-4o", 1_000_000, 1_000_000)).toBe(0);
    const table = createPriceTable({ "gpu-box:llama3.1:70b": { input: 0.5, output: 0.5 }, "gpt-4o-mini": { input: 1, output: 1 } });
    expect(table.costOf({ name: "gpu-box", isLocal: true }, "llama3.1:70b", 2_000_000, 0)).toBeCloseTo(1, 10);
    expect(table.costOf(cloud, "gpt-4o-mini", 1_000_000, 0)).toBeCloseTo(1, 10);
  });
});

describe("describing models", () => {
  it("uses probes first, then settings, then what names and presets say", () => {
    const probed = provider({
      name: "o",
      kind: "ollama",
      isLocal: true,
      capabilities: { m: { chat: true, streaming: true, tools: false, json: true, embeddings: false, contextLength: 32768, probedAt: "2025-01-01T00:00:00Z" } },
    });
    expect(describeModel(probed, "m")).toMatchObject({ contextLength: 32768, capabilities: { tools: false, json: true } });
    expect(describeModel(probed, "qwen2.5:7b")).toMatchObject({ local: true, contextLength: 4096, capabilities: { tools: true, chat: true } });
    expect(describeModel(probed, "tinyllama")).toMatchObject({ capabilities: { tools: false } });
    expect(describeModel(probed, "nomic-embed-text")).toMatchObject({ capabilities: { chat: false, embeddings: true } });
    const configured = provider({ name: "l", kind: "openai_compatible", isLocal: true, settings: { contextLength: 8192 } });
    expect(describeModel(configured, "x").contextLength).toBe(8192);
    const anthropic = provider({ name: "a", kind: "anthropic", preset: "anthropic", isLocal: false });
    expect(describeModel(anthropic, "claude-sonnet-4-5")).toMatchObject({ local: false, contextLength: 200_000, capabilities: { tools: true, json: false } });
    const cloud = provider({ name: "c", kind: "openai_compatible", isLocal: false });
    expect(describeModel(cloud, "some-model").contextLength).toBe(128_000);
    expect(describeModel(provider({ name: "k", kind: "openai_compatible", preset: "moonshot", isLocal: false }), "moonshot-v1-32k").contextLength).toBe(32768);
  });
});

describe("air gap", () => {
  let guard: LoopbackGuard;
  beforeAll(() => {
    guard = guardLoopback();
  });
  afterAll(() => guard.restore());

  it("counts tokens with the bundled ranks: LangChain's getNumTokens would download them", async () => {
    const started = performance.now();
    for (const kind of ["openai_compatible", "ollama", "anthropic"] as const) {
      const model = createChatModel(provider({ name: "p", kind, baseUrl: "http://127.0.0.1:9/v1", isLocal: kind !== "anthropic" }), "gpt-4o-mini");
      expect(await model.getNumTokens("hello world, counted offline")).toBe(countTokens("hello world, counted offline"));
    }
    expect(performance.now() - started).toBeLessThan(2000);
    expect(guard.violations).toEqual([]);
  });

  it("the guard refuses a connection that would leave this machine", async () => {
    const inner = guardLoopback();
    try {
      const error: unknown = await fetch("http://192.0.2.1:8080/", { signal: AbortSignal.timeout(1000) }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Error);
      expect(inner.violations).toEqual(["192.0.2.1:8080"]);
    } finally {
      inner.restore();
    }
  });
});
