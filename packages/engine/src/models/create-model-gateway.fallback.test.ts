import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createModelGateway } from "./create-model-gateway.ts";
import { isModelGatewayError } from "./model-gateway-error.ts";
import type { ProviderConfigInput } from "./provider-config.ts";
import { guardLoopback, type LoopbackGuard } from "./testing/guard-loopback.ts";
import type { ChatRequest, ModelSelection } from "../ports/model-gateway.ts";

let server: ScriptedModelServer;
let guard: LoopbackGuard;

beforeAll(async () => {
  guard = guardLoopback();
  server = await startScriptedModelServer({ models: ["scripted-small", "scripted-large"] });
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

function chatRequest(selection: ModelSelection, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { selection, messages: [{ role: "user", content: "hello there" }], signal: new AbortController().signal, private: false, ...extra };
}

describe.each(["openai_compatible", "ollama"] as const)("fallbacks over %s", (kind) => {
  const provider = (): ProviderConfigInput => ({ name: "box", kind, baseUrl: kind === "ollama" ? server.url : server.openaiBaseUrl, isLocal: true });
  const selection: ModelSelection = { model: "box:scripted-small", fallbacks: ["box:scripted-large"] };

  it("falls back when the primary answers 500, and records which model answered and why", async () => {
    server.addRule({ match: { model: "scripted-small" }, reply: { type: "error", status: 500, message: "the GPU fell over" } });
    const gateway = createModelGateway({ providers: [provider()] });
    const result = await gateway.chat(chatRequest(selection));
    expect(result.text).toBe("Scripted reply to: hello there");
    expect(result.usage.model?.provider).toBe("box");
    expect(result.usage.model?.model).toBe("scripted-large");
    expect(result.usage.model?.fallbacks).toHaveLength(1);
    expect(result.usage.model?.fallbacks?.[0]?.model).toBe("box:scripted-small");
    expect(result.usage.model?.fallbacks?.[0]?.reason).toBe("error: HTTP 500: the GPU fell over");
    expect(server.calls.map((call) => call.model)).toEqual(["scripted-small", "scripted-large"]);
  });

  it("falls back on 429 with the reason 'rate limited (429)'", async () => {
    server.addRule({ match: { model: "scripted-small" }, reply: { type: "error", status: 429, message: "slow down" } });
    const result = await createModelGateway({ providers: [provider()] }).chat(chatRequest(selection));
    expect(result.usage.model?.model).toBe("scripted-large");
    expect(result.usage.model?.fallbacks).toEqual([{ model: "box:scripted-small", reason: "rate limited (429)" }]);
  });

  it("falls back when an attempt runs past selection.timeoutMs", async () => {
    server.addRule({ match: { model: "scripted-small" }, reply: { type: "delay", ms: 5000, then: { type: "text", text: "too late" } } });
    const started = performance.now();
    const result = await createModelGateway({ providers: [provider()] }).chat(chatRequest({ ...selection, timeoutMs: 300 }));
    expect(performance.now() - started).toBeLessThan(2500);
    expect(result.text).toBe("Scripted reply to: hello there");
    expect(result.usage.model?.fallbacks).toEqual([{ model: "box:scripted-small", reason: "timeout" }]);
  });

  it("falls back when validate rejects the answer, and counts the rejected answer's tokens", async () => {
    server.addRule({ match: { model: "scripted-small" }, reply: { type: "text", text: "not json at all", usage: { prompt_tokens: 10, completion_tokens: 4 } } });
    server.addRule({ match: { model: "scripted-large" }, reply: { type: "json", value: { ok: true }, usage: { prompt_tokens: 10, completion_tokens: 3 } } });
    const validate = (result: { text: string }) => {
      try {
        JSON.parse(result.text);
        return null;
      } catch {
        return "the answer is not JSON";
      }
    };
    const result = await createModelGateway({ providers: [provider()] }).chat(chatRequest(selection, { validate }));
    expect(JSON.parse(result.text)).toEqual({ ok: true });
    expect(result.usage.model?.fallbacks).toEqual([{ model: "box:scripted-small", reason: "invalid output: the answer is not JSON" }]);
    expect(result.usage.tokensIn).toBe(20);
    expect(result.usage.tokensOut).toBe(7);
  });

  it("does not fall back when the request is aborted", async () => {
    server.addRule({ match: { model: "scripted-small" }, reply: { type: "delay", ms: 5000, then: { type: "text", text: "never" } } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = performance.now();
    const error: unknown = await createModelGateway({ providers: [provider()] })
      .chat({ ...chatRequest(selection), signal: controller.signal })
      .catch((caught: unknown) => caught);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(isModelGatewayError(error) && error.code).toBe("aborted");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.calls.map((call) => call.model)).toEqual(["scripted-small"]);
  });

  it("fails with every reason listed when no candidate answers", async () => {
    server.addRule({ reply: { type: "error", status: 503, message: "overloaded" } });
    const error: unknown = await createModelGateway({ providers: [provider()] })
      .chat(chatRequest(selection))
      .catch((caught: unknown) => caught);
    expect(isModelGatewayError(error)).toBe(true);
    if (!isModelGatewayError(error)) return;
    expect(error.code).toBe("all_failed");
    expect(error.attempts.map((attempt) => attempt.model)).toEqual(["box:scripted-small", "box:scripted-large"]);
    expect(error.message).toContain("overloaded");
  });
});

describe("references", () => {
  it("splits on the first colon: a model name may contain colons", async () => {
    const gateway = createModelGateway({ providers: [{ name: "ollama", kind: "ollama", baseUrl: server.url, isLocal: true }] });
    server.addRule({ match: { model: "scripted-small:latest" }, reply: { type: "text", text: "tagged" } });
    const result = await gateway.chat(chatRequest({ model: "ollama:scripted-small:latest" }));
    expect(result.text).toBe("tagged");
    expect(result.usage.model).toMatchObject({ provider: "ollama", model: "scripted-small:latest" });
    expect(server.calls[0]?.path).toBe("/api/chat");
  });

  it("records a reference to an unconfigured provider as a failed candidate and goes on", async () => {
    const gateway = createModelGateway({ providers: [{ name: "box", kind: "openai_compatible", baseUrl: server.openaiBaseUrl, isLocal: true }] });
    const result = await gateway.chat(chatRequest({ model: "nowhere:model", fallbacks: ["box:scripted-small"] }));
    expect(result.usage.model?.model).toBe("scripted-small");
    expect(result.usage.model?.fallbacks).toEqual([{ model: "nowhere:model", reason: 'error: no provider named "nowhere" is configured' }]);
  });

  it("refuses a selection that names nothing configured", async () => {
    const gateway = createModelGateway({ providers: [] });
    await expect(gateway.chat(chatRequest({ model: "nowhere:model" }))).rejects.toMatchObject({ code: "unknown_model" });
    expect(server.calls).toHaveLength(0);
  });
});
