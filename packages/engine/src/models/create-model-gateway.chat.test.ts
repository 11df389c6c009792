import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { countTokens } from "./count-tokens.ts";
import { createModelGateway } from "./create-model-gateway.ts";
import type { ProviderConfigInput } from "./provider-config.ts";
import { guardLoopback, type LoopbackGuard } from "./testing/guard-loopback.ts";
import { startBareServer } from "./testing/start-bare-server.ts";
import type { ChatRequest, ModelSelection } from "../ports/model-gateway.ts";

let server: ScriptedModelServer;
let guard: LoopbackGuard;

beforeAll(async () => {
  guard = guardLoopback();
  server = await startScriptedModelServer({ models: ["qwen2.5:3b", "gpt-4o-mini", "mystery-model"] });
});
afterAll(async () => {
  await server.close();
  guard.restore();
  expect(guard.violations).toEqual([]);
});
beforeEach(() => {
  server.clearRules();
  server.resetCalls();
  server.configure({ latencyMs: 0, tokensPerSecond: Number.POSITIVE_INFINITY });
});

const kinds = ["openai_compatible", "ollama"] as const;
const providerOf = (kind: (typeof kinds)[number], extra: Partial<ProviderConfigInput> = {}): ProviderConfigInput => ({
  name: "box",
  kind,
  baseUrl: kind === "ollama" ? server.url : server.openaiBaseUrl,
  isLocal: true,
  ...extra,
});
const request = (selection: ModelSelection, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  selection,
  messages: [{ role: "user", content: "tell me a story" }],
  signal: new AbortController().signal,
  private: false,
  ...extra,
});
const weatherTool = {
  name: "get_weather",
  description: "The weather in a city.",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};
const storyText = "Once upon a time a small model answered every question on a laptop without any cloud at all and everyone was happy";

describe.each(kinds)("chat over %s", (kind) => {
  it("streams deltas and measures time to first token and tokens per second", async () => {
    server.configure({ latencyMs: 150 });
    server.addRule({ reply: { type: "slow-stream", text: storyText, tokensPerSecond: 50 } });
    const deltas: string[] = [];
    const result = await createModelGateway({ providers: [providerOf(kind)] }).chat(
      request({ model: "box:qwen2.5:3b" }, { onDelta: (text) => deltas.push(text) }),
    );
    expect(deltas.length).toBeGreaterThan(10);
    expect(deltas.join("")).toBe(storyText);
    expect(result.text).toBe(storyText);
    expect(server.calls[0]?.stream).toBe(true);
    expect(result.usage.timeToFirstTokenMs).toBeGreaterThanOrEqual(140);
    expect(result.usage.timeToFirstTokenMs).toBeLessThan(1000);
    expect(result.usage.tokensPerSecond).toBeGreaterThan(25);
    expect(result.usage.tokensPerSecond).toBeLessThan(100);
    expect(result.usage.tokensOut).toBe(storyText.split(" ").length);
    expect(result.usage.latencyMs).toBeGreaterThanOrEqual(result.usage.timeToFirstTokenMs ?? 0);
  });

  it.each([false, true])("returns tool calls with parsed arguments and their ids (streaming: %s)", async (streaming) => {
    server.addRule({ reply: { type: "tool-call", calls: [{ name: "get_weather", arguments: { city: "Paris" } }] } });
    const result = await createModelGateway({ providers: [providerOf(kind)] }).chat(
      request({ model: "box:qwen2.5:3b" }, { tools: [weatherTool], ...(streaming ? { onDelta: () => undefined } : {}) }),
    );
    expect(result.finishReason).toBe("tool_calls");
    // OpenAI-compatible servers' call ids come through; LangChain's Ollama client makes its own (a UUID).
    const id = kind === "ollama" ? /^[0-9a-f-]{36}$/ : /^call_scripted_/;
    expect(result.toolCalls).toEqual([{ id: expect.stringMatching(id) as unknown, name: "get_weather", arguments: { city: "Paris" } }]);
    expect(server.calls[0]?.tools?.map((tool) => tool.name)).toEqual(["get_weather"]);
  });

  it("sends tool results back with the call they answer", async () => {
    await createModelGateway({ providers: [providerOf(kind)] }).chat(
      request(
        { model: "box:qwen2.5:3b" },
        {
          tools: [weatherTool],
          messages: [
            { role: "user", content: "weather in Paris?" },
            { role: "assistant", content: "", toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }] },
            { role: "tool", content: "sunny", toolCallId: "call_1" },
          ],
        },
      ),
    );
    const messages = server.calls[0]?.messages ?? [];
    expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "tool"]);
    expect(messages[1]?.toolCalls?.[0]).toMatchObject({ name: "get_weather", arguments: { city: "Paris" } });
    expect(messages[2]?.content).toBe("sunny");
  });

  it("asks for JSON output in the protocol's own way", async () => {
    server.addRule({ reply: { type: "json", value: { answer: 42 } } });
    const gateway = createModelGateway({ providers: [providerOf(kind)] });
    const result = await gateway.chat(request({ model: "box:qwen2.5:3b" }, { responseFormat: { type: "json" } }));
    expect(JSON.parse(result.text)).toEqual({ answer: 42 });
    const call = server.calls[0];
    expect(call?.json).toBe(true);
    expect(call?.system).toMatch(/JSON object/);
    expect(call?.body).toMatchObject(kind === "ollama" ? { format: "json" } : { response_format: { type: "json_object" } });
  });

  it("takes usage from the provider when it reports it", async () => {
    server.addRule({ reply: { type: "text", text: "short", usage: { prompt_tokens: 123, completion_tokens: 45 } } });
    const result = await createModelGateway({ providers: [providerOf(kind)] }).chat(request({ model: "box:qwen2.5:3b" }));
    expect(result.usage).toMatchObject({ tokensIn: 123, tokensOut: 45, cost: 0 });
  });
});

describe("JSON schemas", () => {
  const schema = { type: "object", properties: { answer: { type: "number" } }, required: ["answer"] };

  it("uses json_schema where the preset supports it, json_object elsewhere", async () => {
    server.addRule({ reply: { type: "json", value: { answer: 1 } } });
    const withSchema = createModelGateway({ providers: [providerOf("openai_compatible", { preset: "vllm" })] });
    await withSchema.chat(request({ model: "box:qwen2.5:3b" }, { responseFormat: { type: "json", schema } }));
    expect(server.calls[0]?.body).toMatchObject({ response_format: { type: "json_schema", json_schema: { name: "output", schema } } });
    const without = createModelGateway({ providers: [providerOf("openai_compatible", { preset: "localai" })] });
    await without.chat(request({ model: "box:qwen2.5:3b" }, { responseFormat: { type: "json", schema } }));
    expect(server.calls[1]?.body).toMatchObject({ response_format: { type: "json_object" } });
  });

  it("gives Ollama the schema as its format", async () => {
    server.addRule({ reply: { type: "json", value: { answer: 1 } } });
    await createModelGateway({ providers: [providerOf("ollama")] }).chat(request({ model: "box:qwen2.5:3b" }, { responseFormat: { type: "json", schema } }));
    expect(server.calls[0]?.body).toMatchObject({ format: schema });
  });
});

describe("usage and cost", () => {
  it("counts tokens offline when the provider reports no usage", async () => {
    const bare = await startBareServer(() => ({
      status: 200,
      body: { id: "x", object: "chat.completion", created: 0, model: "m", choices: [{ index: 0, message: { role: "assistant", content: "four words of answer" }, finish_reason: "stop" }] },
    }));
    try {
      const gateway = createModelGateway({ providers: [{ name: "bare", kind: "openai_compatible", baseUrl: `${bare.url}/v1`, isLocal: true }] });
      const result = await gateway.chat(request({ model: "bare:m" }));
      expect(result.text).toBe("four words of answer");
      expect(result.usage.tokensOut).toBe(countTokens("four words of answer"));
      expect(result.usage.tokensIn).toBeGreaterThan(0);
    } finally {
      await bare.close();
    }
  });

  const cloud = (): ProviderConfigInput => ({ name: "openai", kind: "openai_compatible", preset: "openai", baseUrl: server.openaiBaseUrl, apiKey: "sk-test", isLocal: false });

  it("prices cloud calls from the price table, and the workspace's overrides win", async () => {
    server.addRule({ reply: { type: "text", text: "priced", usage: { prompt_tokens: 1000, completion_tokens: 500 } } });
    const listed = await createModelGateway({ providers: [cloud()] }).chat(request({ model: "openai:gpt-4o-mini" }));
    expect(listed.usage.cost).toBeCloseTo((1000 * 0.15 + 500 * 0.6) / 1_000_000, 12);
    const overridden = await createModelGateway({ providers: [cloud()], prices: { "openai:gpt-4o-mini": { input: 1, output: 2 } } }).chat(
      request({ model: "openai:gpt-4o-mini" }),
    );
    expect(overridden.usage.cost).toBeCloseTo(0.002, 12);
  });

  it("leaves the cost of an unknown cloud model undefined rather than guessing", async () => {
    const result = await createModelGateway({ providers: [cloud()] }).chat(request({ model: "openai:mystery-model" }));
    expect(result.usage.cost).toBeUndefined();
  });
});
