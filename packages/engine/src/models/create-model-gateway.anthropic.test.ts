import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModelGateway } from "./create-model-gateway.ts";
import { guardLoopback, type LoopbackGuard } from "./testing/guard-loopback.ts";
import { startBareServer, type BareServer } from "./testing/start-bare-server.ts";

// The scripted model server speaks OpenAI and Ollama; Anthropic's Messages API is stood in for here
// by a minimal server answering /v1/messages with fixed messages.
let server: BareServer;
let guard: LoopbackGuard;
const bodies: unknown[] = [];

beforeAll(async () => {
  guard = guardLoopback();
  server = await startBareServer((request, body) => {
    const parsed: unknown = JSON.parse(body || "null");
    bodies.push(parsed);
    if (request.url !== "/v1/messages") return { status: 404, body: { type: "error", error: { type: "not_found_error", message: "no" } } };
    const wantsTool = JSON.stringify(parsed).includes("get_weather");
    return {
      status: 200,
      body: {
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: "claude-haiku-4-5",
        content: wantsTool ? [{ type: "tool_use", id: "toolu_42", name: "get_weather", input: { city: "Paris" } }] : [{ type: "text", text: "Bonjour" }],
        stop_reason: wantsTool ? "tool_use" : "end_turn",
        stop_sequence: null,
        usage: { input_tokens: 1000, output_tokens: 200 },
      },
    };
  });
});
afterAll(async () => {
  await server.close();
  guard.restore();
  expect(guard.violations).toEqual([]);
});

describe("anthropic", () => {
  const gateway = () =>
    createModelGateway({ providers: [{ name: "anthropic", kind: "anthropic", preset: "anthropic", baseUrl: server.url, apiKey: "sk-ant-test", isLocal: false }] });
  const base = { signal: new AbortController().signal, private: false };

  it("chats through the Messages API at the configured URL, with usage and cost", async () => {
    const result = await gateway().chat({ ...base, selection: { model: "anthropic:claude-haiku-4-5" }, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Say hello in French" }] });
    expect(result.text).toBe("Bonjour");
    expect(result.finishReason).toBe("stop");
    expect(result.usage).toMatchObject({ tokensIn: 1000, tokensOut: 200, model: { provider: "anthropic", model: "claude-haiku-4-5" } });
    expect(result.usage.cost).toBeCloseTo((1000 * 1 + 200 * 5) / 1_000_000, 12);
    expect(server.paths.at(-1)).toBe("/v1/messages");
    expect(bodies.at(-1)).toMatchObject({ model: "claude-haiku-4-5", system: "Be brief.", max_tokens: 4096 });
  });

  it("returns tool calls with Anthropic's ids", async () => {
    const result = await gateway().chat({
      ...base,
      selection: { model: "anthropic:claude-haiku-4-5" },
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [{ name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } }],
    });
    expect(result.finishReason).toBe("tool_calls");
    expect(result.toolCalls).toEqual([{ id: "toolu_42", name: "get_weather", arguments: { city: "Paris" } }]);
  });
});
