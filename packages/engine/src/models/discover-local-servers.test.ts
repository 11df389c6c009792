import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverLocalServers } from "./discover-local-servers.ts";
import { guardLoopback, type LoopbackGuard } from "./testing/guard-loopback.ts";
import { freePort, startBareServer, type BareServer } from "./testing/start-bare-server.ts";

let server: ScriptedModelServer;
let openAIOnly: BareServer;
let llamaCpp: BareServer;
let notAModelServer: BareServer;
let guard: LoopbackGuard;

beforeAll(async () => {
  guard = guardLoopback();
  server = await startScriptedModelServer({ models: ["qwen2.5:3b", "nomic-embed-text"] });
  // An OpenAI-compatible server that is not Ollama (vLLM, LM Studio, LocalAI…): only /v1.
  openAIOnly = await startBareServer((request) =>
    request.url === "/v1/models" ? { status: 200, body: { object: "list", data: [{ id: "Qwen/Qwen2.5-7B-Instruct", owned_by: "vllm" }] } } : { status: 404, body: {} },
  );
  llamaCpp = await startBareServer((request) =>
    request.url === "/v1/models"
      ? { status: 200, body: { object: "list", data: [{ id: "model.gguf", owned_by: "llamacpp" }] } }
      : { status: 404, body: {} },
  );
  notAModelServer = await startBareServer(() => ({ status: 200, body: "<html>hello</html>", contentType: "text/html" }));
});
afterAll(async () => {
  await Promise.all([server.close(), openAIOnly.close(), llamaCpp.close(), notAModelServer.close()]);
  guard.restore();
  expect(guard.violations).toEqual([]);
});

describe("discoverLocalServers", () => {
  it("identifies Ollama by /api/version and lists its models", async () => {
    const found = await discoverLocalServers({ ports: [{ port: server.port, preset: "vllm" }] });
    expect(found).toEqual([{ preset: "ollama", baseUrl: server.url, kind: "ollama", models: ["qwen2.5:3b", "nomic-embed-text"] }]);
  });

  it("identifies OpenAI-compatible servers by /v1/models, with the port's preset or llama.cpp's own signature", async () => {
    const found = await discoverLocalServers({
      ports: [
        { port: openAIOnly.port, preset: "vllm" },
        { port: llamaCpp.port, preset: "localai" },
      ],
    });
    expect(found).toEqual([
      { preset: "vllm", baseUrl: `${openAIOnly.url}/v1`, kind: "openai_compatible", models: ["Qwen/Qwen2.5-7B-Instruct"] },
      { preset: "llamacpp", baseUrl: `${llamaCpp.url}/v1`, kind: "openai_compatible", models: ["model.gguf"] },
    ]);
  });

  it("leaves out ports where nothing listens or something else answers, quickly and without throwing", async () => {
    const port = await freePort();
    const started = performance.now();
    const found = await discoverLocalServers({
      ports: [
        { port, preset: "lmstudio" },
        { port: notAModelServer.port, preset: "xinference" },
        { port: server.port, preset: "ollama" },
      ],
      timeoutMs: 500,
    });
    expect(found.map((entry) => entry.baseUrl)).toEqual([server.url]);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
