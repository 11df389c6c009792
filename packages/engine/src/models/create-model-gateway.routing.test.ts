import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createModelGateway } from "./create-model-gateway.ts";
import { isModelGatewayError, type ModelGatewayError } from "./model-gateway-error.ts";
import { guardLoopback, type LoopbackGuard } from "./testing/guard-loopback.ts";
import type { ChatRequest, ModelGateway, ModelSelection } from "../ports/model-gateway.ts";

// Two scripted servers: one configured as a local Ollama, one as a cloud provider (both on loopback).
let localServer: ScriptedModelServer;
let cloudServer: ScriptedModelServer;
let guard: LoopbackGuard;
let gateway: ModelGateway;

beforeAll(async () => {
  guard = guardLoopback();
  localServer = await startScriptedModelServer({ models: ["qwen2.5:3b", "llama3.2:3b"] });
  cloudServer = await startScriptedModelServer({ models: ["gpt-4o-mini", "gpt-4o"] });
  gateway = createModelGateway({
    providers: [
      { name: "ollama", kind: "ollama", preset: "ollama", baseUrl: localServer.url, isLocal: true },
      { name: "openai", kind: "openai_compatible", preset: "openai", baseUrl: cloudServer.openaiBaseUrl, apiKey: "sk-test", isLocal: false },
    ],
    tiers: { fast: ["ollama:qwen2.5:3b", "openai:gpt-4o-mini"], smart: ["openai:gpt-4o", "ollama:llama3.2:3b"] },
  });
});
afterAll(async () => {
  await Promise.all([localServer.close(), cloudServer.close()]);
  guard.restore();
  expect(guard.violations).toEqual([]);
});
beforeEach(() => {
  for (const server of [localServer, cloudServer]) {
    server.clearRules();
    server.resetCalls();
  }
});

function ask(selection: ModelSelection, extra: Partial<ChatRequest> = {}): Promise<Awaited<ReturnType<ModelGateway["chat"]>>> {
  return gateway.chat({ selection, messages: [{ role: "user", content: "which model?" }], signal: new AbortController().signal, private: false, ...extra });
}

async function failure(promise: Promise<unknown>): Promise<ModelGatewayError> {
  const error: unknown = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!isModelGatewayError(error)) throw new Error(`expected a ModelGatewayError, got ${String(error)}`);
  return error;
}

function failEverything(): void {
  for (const server of [localServer, cloudServer]) server.addRule({ reply: { type: "error", status: 500, message: "down" } });
}

describe("privacy", () => {
  it("refuses a private request whose only model is in the cloud, naming it, and calls nothing", async () => {
    const error = await failure(ask({ model: "openai:gpt-4o-mini" }, { private: true }));
    expect(error.code).toBe("private_refused");
    expect(error.message).toMatch(/private/);
    expect(error.message).toContain('"openai:gpt-4o-mini"');
    expect(cloudServer.calls).toHaveLength(0);
  });

  it("answers a private request from the local model and never calls the cloud, even when it is the primary", async () => {
    const result = await ask({ model: "openai:gpt-4o-mini", fallbacks: ["ollama:qwen2.5:3b"], policy: "cloud-first" }, { private: true });
    expect(result.usage.model).toEqual({ provider: "ollama", model: "qwen2.5:3b", fallbacks: [] });
    expect(localServer.calls).toHaveLength(1);
    expect(cloudServer.calls).toHaveLength(0);
  });

  it("does not fall back to the cloud when the local model fails on a private request", async () => {
    localServer.addRule({ reply: { type: "error", status: 500, message: "down" } });
    const error = await failure(ask({ model: "ollama:qwen2.5:3b", fallbacks: ["openai:gpt-4o"] }, { private: true }));
    expect(error.code).toBe("all_failed");
    expect(error.attempts.map((attempt) => attempt.model)).toEqual(["ollama:qwen2.5:3b"]);
    expect(cloudServer.calls).toHaveLength(0);
  });
});

describe("routing policies", () => {
  const selection: ModelSelection = { model: "openai:gpt-4o", fallbacks: ["ollama:qwen2.5:3b", "openai:gpt-4o-mini", "ollama:llama3.2:3b"] };

  it("local-first tries local models first, keeping the author's order in each group", async () => {
    const result = await ask({ ...selection, policy: "local-first" });
    expect(result.usage.model).toMatchObject({ provider: "ollama", model: "qwen2.5:3b" });
    failEverything();
    const error = await failure(ask({ ...selection, policy: "local-first" }));
    expect(error.attempts.map((attempt) => attempt.model)).toEqual(["ollama:qwen2.5:3b", "ollama:llama3.2:3b", "openai:gpt-4o", "openai:gpt-4o-mini"]);
  });

  it("local-first is the default", async () => {
    failEverything();
    const error = await failure(ask(selection));
    expect(error.attempts[0]?.model).toBe("ollama:qwen2.5:3b");
  });

  it("cloud-first tries cloud models first", async () => {
    const result = await ask({ ...selection, policy: "cloud-first" });
    expect(result.usage.model).toMatchObject({ provider: "openai", model: "gpt-4o" });
    expect(localServer.calls).toHaveLength(0);
    failEverything();
    const error = await failure(ask({ ...selection, policy: "cloud-first" }));
    expect(error.attempts.map((attempt) => attempt.model)).toEqual(["openai:gpt-4o", "openai:gpt-4o-mini", "ollama:qwen2.5:3b", "ollama:llama3.2:3b"]);
  });

  it("local-only never calls a cloud model", async () => {
    failEverything();
    const error = await failure(ask({ ...selection, policy: "local-only" }));
    expect(error.attempts.map((attempt) => attempt.model)).toEqual(["ollama:qwen2.5:3b", "ollama:llama3.2:3b"]);
    expect(cloudServer.calls).toHaveLength(0);
  });

  it("local-only with only cloud models is refused before any call", async () => {
    const error = await failure(ask({ model: "openai:gpt-4o", policy: "local-only" }));
    expect(error.code).toBe("no_candidate");
    expect(error.message).toContain('"openai:gpt-4o"');
    expect(cloudServer.calls).toHaveLength(0);
  });

  it("falls back from local to cloud under local-first, recording the reason", async () => {
    localServer.addRule({ reply: { type: "error", status: 503, message: "model is loading" } });
    const result = await ask({ model: "ollama:qwen2.5:3b", fallbacks: ["openai:gpt-4o-mini"] });
    expect(result.usage.model).toEqual({
      provider: "openai",
      model: "gpt-4o-mini",
      fallbacks: [{ model: "ollama:qwen2.5:3b", reason: "error: HTTP 503: model is loading" }],
    });
  });
});

describe("tiers", () => {
  it("expands a tier to its models, in order", async () => {
    const result = await ask({ model: "tier:fast" });
    expect(result.usage.model).toMatchObject({ provider: "ollama", model: "qwen2.5:3b" });
    localServer.addRule({ reply: { type: "error", status: 500, message: "down" } });
    const fallback = await ask({ model: "tier:fast" });
    expect(fallback.usage.model).toMatchObject({ provider: "openai", model: "gpt-4o-mini" });
  });

  it("applies the policy to a tier's models, and appends the selection's fallbacks without repeats", async () => {
    failEverything();
    const error = await failure(ask({ model: "tier:smart", fallbacks: ["tier:fast", "openai:gpt-4o"], policy: "cloud-first" }));
    expect(error.attempts.map((attempt) => attempt.model)).toEqual(["openai:gpt-4o", "openai:gpt-4o-mini", "ollama:llama3.2:3b", "ollama:qwen2.5:3b"]);
  });

  it("refuses an unknown tier", async () => {
    const error = await failure(ask({ model: "tier:nope" }));
    expect(error.code).toBe("unknown_model");
    expect(error.message).toContain('no tier named "nope"');
  });

  it("describes a tier by its first model", async () => {
    const info = await gateway.describe("tier:smart");
    expect(info).toMatchObject({ provider: "openai", model: "gpt-4o", local: false, contextLength: 128_000 });
    expect(await gateway.describe("nowhere:model")).toBeNull();
  });
});
