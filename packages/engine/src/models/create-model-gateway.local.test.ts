import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { countTokens } from "./count-tokens.ts";
import { createLimiter } from "./create-limiter.ts";
import { createModelGateway } from "./create-model-gateway.ts";
import { createFakeLocalRuntime } from "./testing/fake-local-runtime.ts";
import { guardLoopback, type LoopbackGuard } from "./testing/guard-loopback.ts";
import type { ChatRequest, ModelSelection } from "../ports/model-gateway.ts";

let server: ScriptedModelServer;
let guard: LoopbackGuard;

beforeAll(async () => {
  guard = guardLoopback();
  server = await startScriptedModelServer({ models: ["qwen2.5:3b"] });
});
afterAll(async () => {
  await server.close();
  guard.restore();
  expect(guard.violations).toEqual([]);
});
beforeEach(() => {
  server.clearRules();
  server.resetCalls();
  server.configure({ latencyMs: 0 });
});

const request = (selection: ModelSelection, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  selection,
  messages: [{ role: "user", content: "once upon a time" }],
  signal: new AbortController().signal,
  private: true,
  ...extra,
});

describe("the embedded runtime (kind local)", () => {
  it("streams through the runtime and takes its usage", async () => {
    const runtime = createFakeLocalRuntime();
    const gateway = createModelGateway({ providers: [{ name: "local", kind: "local", isLocal: true }], localRuntime: runtime });
    const deltas: string[] = [];
    const result = await gateway.chat(request({ model: "local:stories260K", maxTokens: 20, temperature: 0.2 }, { onDelta: (text) => deltas.push(text) }));
    expect(deltas.join("")).toBe("local answer to: once upon a time");
    expect(result.text).toBe("local answer to: once upon a time");
    expect(result.usage).toMatchObject({ tokensIn: 7, tokensOut: 5, latencyMs: 12, cost: 0, model: { provider: "local", model: "stories260K", fallbacks: [] } });
    expect(result.usage.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(runtime.requests[0]).toMatchObject({ model: "stories260K", maxTokens: 20, temperature: 0.2 });
  });

  it("counts tokens when the runtime reports none", async () => {
    const runtime = createFakeLocalRuntime({ reportUsage: false });
    const gateway = createModelGateway({ providers: [{ name: "local", kind: "local", isLocal: true }], localRuntime: runtime });
    const result = await gateway.chat(request({ model: "local:stories260K" }));
    expect(result.usage.tokensOut).toBe(countTokens("local answer to: once upon a time"));
    expect(result.usage.latencyMs).toBeGreaterThan(0);
  });

  it("falls back when tools are asked of the runtime, which has no native tool calls", async () => {
    const gateway = createModelGateway({
      providers: [
        { name: "local", kind: "local", isLocal: true },
        { name: "ollama", kind: "ollama", baseUrl: server.url, isLocal: true },
      ],
      localRuntime: createFakeLocalRuntime(),
    });
    const result = await gateway.chat(
      request({ model: "local:stories260K", fallbacks: ["ollama:qwen2.5:3b"] }, { tools: [{ name: "t", description: "", parameters: { type: "object" } }] }),
    );
    expect(result.usage.model?.model).toBe("qwen2.5:3b");
    expect(result.usage.model?.fallbacks?.[0]?.reason).toMatch(/^error: The embedded runtime has no native tool calling/);
  });

  it("says so when no runtime is available", async () => {
    const gateway = createModelGateway({ providers: [{ name: "local", kind: "local", isLocal: true }] });
    await expect(gateway.chat(request({ model: "local:stories260K" }))).rejects.toMatchObject({
      code: "all_failed",
      message: expect.stringContaining("no local runtime is available") as unknown,
    });
  });

  it("runs one request at a time by default", async () => {
    const runtime = createFakeLocalRuntime();
    let active = 0;
    let most = 0;
    const chat = runtime.chat.bind(runtime);
    runtime.chat = async (input) => {
      active += 1;
      most = Math.max(most, active);
      try {
        return await chat(input);
      } finally {
        active -= 1;
      }
    };
    const gateway = createModelGateway({ providers: [{ name: "local", kind: "local", isLocal: true }], localRuntime: runtime });
    await Promise.all([1, 2, 3].map(() => gateway.chat(request({ model: "local:stories260K" }))));
    expect(most).toBe(1);
    expect(runtime.requests).toHaveLength(3);
  });
});

describe("concurrency per endpoint", () => {
  it("queues requests beyond settings.maxConcurrency", async () => {
    server.configure({ latencyMs: 150 });
    const gateway = createModelGateway({ providers: [{ name: "ollama", kind: "ollama", baseUrl: server.url, isLocal: true, settings: { maxConcurrency: 1 } }] });
    await Promise.all([1, 2].map(() => gateway.chat(request({ model: "ollama:qwen2.5:3b" }))));
    const [first, second] = server.calls;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(140);
  });

  it("uses the limiter the runner gives, and a queued request leaves the queue when aborted", async () => {
    server.configure({ latencyMs: 300 });
    const limiter = createLimiter(1);
    const gateway = createModelGateway({ providers: [{ name: "ollama", kind: "ollama", baseUrl: server.url, isLocal: true }], concurrency: () => limiter });
    const first = gateway.chat(request({ model: "ollama:qwen2.5:3b" }));
    const controller = new AbortController();
    const second = gateway.chat(request({ model: "ollama:qwen2.5:3b" }, { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(limiter.waiting).toBe(1);
    controller.abort();
    await expect(second).rejects.toMatchObject({ code: "aborted" });
    expect(limiter.waiting).toBe(0);
    await first;
    expect(server.calls).toHaveLength(1);
  });
});
