import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGuardedHttp } from "../../adapters/guarded-http.ts";
import { createModelGateway } from "../../models/create-model-gateway.ts";
import { createNodeTestContext } from "../../testing/node-test-context.ts";
import { agentNode, type AgentStep } from "./agent.node.ts";
import { agentConfigSchema } from "./agent.schema.ts";

let server: ScriptedModelServer;
let api: Server;
let apiPort = 0;
const apiRequests: string[] = [];

beforeAll(async () => {
  server = await startScriptedModelServer({ models: ["scripted-small", "scripted-large"] });
  api = createServer((request, response) => {
    apiRequests.push(`${request.method ?? ""} ${request.url ?? ""}`);
    if (request.url?.startsWith("/weather/Atlantis")) {
      response.writeHead(404, { "content-type": "text/plain" }).end("no such city");
      return;
    }
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ city: decodeURIComponent(request.url?.split("/")[2]?.split("?")[0] ?? ""), celsius: 21 }));
  });
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  apiPort = (api.address() as AddressInfo).port;
});
afterAll(async () => {
  await server.close();
  await new Promise((resolve) => api.close(resolve));
});
beforeEach(() => {
  server.clearRules();
  server.resetCalls();
  apiRequests.length = 0;
});

/** scripted-small is probed as tool-capable; scripted-large is not (its name is no known tool family). */
function run(config: Record<string, unknown>) {
  const models = createModelGateway({
    providers: [
      {
        name: "local",
        kind: "openai_compatible",
        baseUrl: server.openaiBaseUrl,
        isLocal: true,
        capabilities: { "scripted-small": { chat: true, streaming: true, tools: true, json: true, embeddings: false, contextLength: 8192, probedAt: "2025-01-01T00:00:00Z" } },
      },
    ],
  });
  const http = createGuardedHttp({ allowedHosts: [`127.0.0.1:${apiPort}`] });
  const context = createNodeTestContext({ pool: { start: { task: "What is (3 + 4) * 2, and what time is it in Paris?" } }, services: { models, http } });
  const parsed = agentConfigSchema.parse({ model: { model: "local:scripted-small" }, instruction: "You are a helpful assistant.", query: ["start", "task"], ...config });
  return agentNode.run(parsed, context);
}

const builtins = [
  { type: "builtin", name: "calculator" },
  { type: "builtin", name: "current-time" },
];

describe("agent node", () => {
  it("calls two tools natively, feeds their results back and answers", async () => {
    server.addRule({
      times: 1,
      reply: { type: "tool-call", calls: [{ name: "calculator", arguments: { expression: "(3 + 4) * 2" } }, { name: "current-time", arguments: { timezone: "Europe/Paris" } }] },
    });
    server.addRule({ reply: { type: "text", text: "It is 14, and the time is shown above.", usage: { prompt_tokens: 50, completion_tokens: 10 } } });
    const result = await run({ tools: builtins });
    expect(result.outputs.text).toBe("It is 14, and the time is shown above.");
    const steps = result.outputs.steps as AgentStep[];
    expect(steps.map((step) => [step.tool, step.input])).toEqual([
      ["calculator", { expression: "(3 + 4) * 2" }],
      ["current-time", { timezone: "Europe/Paris" }],
    ]);
    expect(steps[0]?.output).toBe("14");
    expect(steps[1]?.output).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(\w+day, Europe\/Paris, UTC\+0[12]:00\)$/);
    expect(server.calls[0]?.tools?.map((tool) => tool.name)).toEqual(["calculator", "current-time"]);
    const toolMessages = server.calls[1]?.messages.filter((message) => message.role === "tool") ?? [];
    expect(toolMessages.map((message) => message.content)).toEqual(["14", steps[1]?.output]);
    expect(result.inputs).toMatchObject({ strategy: "function-calling" });
    expect(result.usage?.tokensIn).toBeGreaterThan(50);
    expect(result.usage?.model).toMatchObject({ provider: "local", model: "scripted-small" });
  });

  it("reports a tool error to the model, which recovers", async () => {
    server.addRule({ times: 1, reply: { type: "tool-call", calls: [{ name: "calculator", arguments: { expression: "2 +* 3" } }] } });
    server.addRule({ times: 1, reply: { type: "tool-call", calls: [{ name: "calculator", arguments: { expression: "2 * 3" } }] } });
    server.addRule({ reply: { type: "text", text: "6" } });
    const result = await run({ tools: builtins });
    const steps = result.outputs.steps as AgentStep[];
    expect(steps[0]?.error).toBe('The tool "calculator" failed: Unexpected "*".');
    expect(steps[1]?.output).toBe("6");
    expect(server.calls[1]?.messages.find((message) => message.role === "tool")?.content).toBe('Error: The tool "calculator" failed: Unexpected "*".');
    expect(result.outputs.text).toBe("6");
  });

  it("calls an HTTP tool through the guarded HTTP port, with arguments in the URL and query", async () => {
    const weather = {
      type: "http",
      name: "weather",
      description: "Current weather of a city.",
      url: `http://127.0.0.1:${apiPort}/weather/{{city}}`,
      parameters: { type: "object", properties: { city: { type: "string" }, units: { type: "string" } }, required: ["city"] },
    };
    server.addRule({ times: 1, reply: { type: "tool-call", calls: [{ name: "weather", arguments: { city: "Atlantis" } }] } });
    server.addRule({ times: 1, reply: { type: "tool-call", calls: [{ name: "weather", arguments: { city: "São Paulo", units: "metric" } }] } });
    server.addRule({ reply: { type: "text", text: "21 °C in São Paulo." } });
    const result = await run({ tools: [weather] });
    expect(apiRequests).toEqual(["GET /weather/Atlantis", "GET /weather/S%C3%A3o%20Paulo?units=metric"]);
    const steps = result.outputs.steps as AgentStep[];
    expect(steps[0]?.error).toBe("HTTP 404: no such city");
    expect(JSON.parse(steps[1]?.output ?? "null")).toEqual({ city: "São Paulo", celsius: 21 });
    expect(result.outputs.text).toBe("21 °C in São Paulo.");
  });

  it("fails clearly after maxIterations without a final answer", async () => {
    server.addRule({ reply: { type: "tool-call", calls: [{ name: "calculator", arguments: { expression: "1 + 1" } }] } });
    await expect(run({ tools: builtins, maxIterations: 3 })).rejects.toThrow(/used all 3 iterations without reaching a final answer/);
    expect(server.calls).toHaveLength(3);
  });

  it("uses the ReAct text protocol with a model that has no tool support", async () => {
    server.addRule({
      times: 1,
      reply: { type: "text", text: 'Thought: I need to multiply.\nAction: calculator\nAction Input: {"expression": "6 * 7"}\nObservation: 41' },
    });
    server.addRule({ times: 1, reply: { type: "text", text: "Thought: Now the time.\nAction: current-time\nAction Input: UTC" } });
    server.addRule({ reply: { type: "text", text: "Thought: I know the answer\nFinal Answer: 42" } });
    const result = await run({ model: { model: "local:scripted-large" }, tools: builtins });
    expect(result.outputs.text).toBe("42");
    expect(result.inputs).toMatchObject({ strategy: "react" });
    expect(server.calls[0]?.tools ?? []).toEqual([]);
    expect(server.calls[0]?.system).toContain("Action Input:");
    expect(server.calls[0]?.system).toContain("- calculator: Evaluate an arithmetic expression");
    const steps = result.outputs.steps as AgentStep[];
    expect(steps[0]).toEqual({ thought: "I need to multiply.", tool: "calculator", input: { expression: "6 * 7" }, output: "42" });
    expect(steps[1]?.input).toEqual({ timezone: "UTC" });
    // The hallucinated observation is cut; the real one follows.
    const second = server.calls[1]?.messages.map((message) => message.content) ?? [];
    expect(second.slice(-2)).toEqual(['Thought: I need to multiply.\nAction: calculator\nAction Input: {"expression": "6 * 7"}', "Observation: 42"]);
  });

  it("answers in one call when it has no tools", async () => {
    server.addRule({ reply: { type: "text", text: "<think>easy</think>Hello." } });
    const result = await run({ tools: [], query: "Say hello" });
    expect(result.outputs).toEqual({ text: "Hello.", steps: [] });
    expect(server.calls).toHaveLength(1);
  });
});
