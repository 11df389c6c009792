import diagnostics from "node:diagnostics_channel";
import type { ServerResponse } from "node:http";
import OpenAI, { APIError, NotFoundError } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { waitFor } from "../wait-for.ts";
import { cosineSimilarity } from "./hashing-embeddings.ts";
import { startScriptedModelServer, type ScriptedModelServer } from "./start-scripted-model-server.ts";

let server: ScriptedModelServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startScriptedModelServer({ embeddingDimensions: 128 });
  client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: "test", maxRetries: 0 });
});
afterAll(() => server.close());
beforeEach(() => {
  server.clearRules();
  server.resetCalls();
});

describe("embeddings", () => {
  it("are deterministic, normalised, and closer for similar texts (SDK's default base64 and float)", async () => {
    const texts = [
      "The cat sat on the mat",
      "the cat sat on a mat!",
      "Quarterly revenue grew by four percent",
    ];
    const response = await client.embeddings.create({ model: "scripted-embed", input: texts });
    const vectors = response.data.map((item) => Array.from(item.embedding));
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toHaveLength(128);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
    const [cat, similarCat, revenue] = vectors as [number[], number[], number[]];
    expect(cosineSimilarity(cat, similarCat)).toBeGreaterThan(cosineSimilarity(cat, revenue));
    expect(cosineSimilarity(cat, similarCat)).toBeGreaterThan(0.6);
    expect(response.usage).toEqual({ prompt_tokens: 18, total_tokens: 18 });

    const asFloats = await client.embeddings.create({ model: "scripted-embed", input: texts[0] ?? "", encoding_format: "float" });
    const floats = asFloats.data[0]?.embedding ?? [];
    // The base64 path carries float32, the float path float64: equal to float32 precision.
    floats.forEach((value, index) => expect(value).toBeCloseTo(cat[index] ?? Number.NaN, 6));
  });

  it("take only rules that name the embeddings endpoint", async () => {
    server.addRule({ reply: { type: "error", status: 500, message: "chat only" } });
    await expect(client.embeddings.create({ model: "scripted-embed", input: "fine" })).resolves.toBeDefined();
    server.clearRules();
    server.addRule({ match: { endpoint: "embeddings", prompt: "poison" }, reply: { type: "error", status: 500, message: "embedder down" } });
    await expect(client.embeddings.create({ model: "scripted-embed", input: ["ok", "poison"] })).rejects.toMatchObject({ status: 500 });
    expect(server.calls.map((call) => [call.endpoint, call.status])).toEqual([["embeddings", 200], ["embeddings", 500]]);
  });
});

describe("legacy completions", () => {
  it("answers blocking and streaming text completions", async () => {
    server.addRule({ match: { endpoint: "completions" }, reply: { type: "text", text: "Once upon a time" } });
    const blocking = await client.completions.create({ model: "scripted-small", prompt: "Tell a story" });
    expect(blocking.choices[0]).toMatchObject({ text: "Once upon a time", finish_reason: "stop" });
    expect(blocking.usage).toEqual({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    const stream = await client.completions.create({ model: "scripted-small", prompt: "Tell a story", stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
    expect(text).toBe("Once upon a time");
    expect(server.calls.map((call) => call.endpoint)).toEqual(["completions", "completions"]);
  });
});

describe("models and errors", () => {
  it("lists the configured models", async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toEqual(["scripted-small", "scripted-large", "scripted-embed"]);
    expect(await client.models.retrieve("scripted-large")).toMatchObject({ id: "scripted-large", object: "model" });
  });

  it("answers an unknown model with a 404 in OpenAI's error shape", async () => {
    const error = await client.chat.completions
      .create({ model: "gpt-9", messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as APIError).code).toBe("model_not_found");
    await expect(client.embeddings.create({ model: "nope", input: "x" })).rejects.toMatchObject({ status: 404 });
    expect(server.calls.map((call) => call.status)).toEqual([404, 404]);
  });

  it("answers a malformed or invalid body with a 400", async () => {
    const malformed = await fetch(`${server.openaiBaseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { type: "invalid_request_error" } });
    const invalid = await fetch(`${server.openaiBaseUrl}/chat/completions`, { method: "POST", body: JSON.stringify({ model: "scripted-small" }) });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { message: string } }).error.message).toContain("messages");
  });
});

describe("server options", () => {
  it("delays every response by latencyMs and paces blocking replies at tokensPerSecond", async () => {
    const slow = await startScriptedModelServer({ latencyMs: 100 });
    try {
      const slowClient = new OpenAI({ baseURL: slow.openaiBaseUrl, apiKey: "test", maxRetries: 0 });
      let startedAt = performance.now();
      await slowClient.chat.completions.create({ model: "scripted-small", messages: [{ role: "user", content: "hi" }] });
      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(95);
      slow.configure({ latencyMs: 0, tokensPerSecond: 100 });
      slow.addRule({ reply: { type: "text", text: "w ".repeat(20).trim() } });
      startedAt = performance.now();
      await slowClient.chat.completions.create({ model: "scripted-small", messages: [{ role: "user", content: "hi" }] });
      // Twenty tokens at 100/s take about 200 ms even without streaming.
      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(190);
    } finally {
      await slow.close();
    }
  });

  it("closes promptly while a delayed reply is pending", async () => {
    const pending = await startScriptedModelServer();
    pending.addRule({ reply: { type: "delay", ms: 60_000, then: { type: "echo" } } });
    const pendingClient = new OpenAI({ baseURL: pending.openaiBaseUrl, apiKey: "test", maxRetries: 0 });
    const request = pendingClient.chat.completions
      .create({ model: "scripted-small", messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    await waitFor(() => (pending.calls.length === 1 ? true : undefined), { what: "the delayed call to arrive" });
    const startedAt = performance.now();
    await pending.close();
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    expect(await request).toBeInstanceOf(APIError);
  });

  it("stops streaming to a client that went away and keeps serving others", async () => {
    server.addRule({ match: { prompt: "long" }, reply: { type: "slow-stream", text: "word ".repeat(500), tokensPerSecond: 200 } });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: "scripted-small", messages: [{ role: "user", content: "long" }], stream: true },
      { signal: controller.signal },
    );
    let received = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content && ++received === 3) {
        controller.abort();
        break;
      }
    }
    expect(received).toBe(3);
    const completion = await client.chat.completions.create({ model: "scripted-small", messages: [{ role: "user", content: "next" }] });
    expect(completion.choices[0]?.message.content).toBe("Scripted reply to: next");
  });

  it("spends well under 1 ms server-side on a blocking chat completion", async () => {
    const durations: number[] = [];
    // Timed inside the server process, from request start to response finish, so client overhead is out.
    const onRequestStart = (message: unknown) => {
      const { response } = message as { response: ServerResponse };
      const startedAt = performance.now();
      response.once("finish", () => durations.push(performance.now() - startedAt));
    };
    const body = JSON.stringify({ model: "scripted-small", messages: [{ role: "user", content: "ping ".repeat(100) }] });
    const post = () =>
      fetch(`${server.openaiBaseUrl}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body }).then(
        (response) => response.text(),
      );
    for (let index = 0; index < 100; index++) await post();
    diagnostics.subscribe("http.server.request.start", onRequestStart);
    try {
      for (let index = 0; index < 300; index++) await post();
    } finally {
      diagnostics.unsubscribe("http.server.request.start", onRequestStart);
    }
    durations.sort((left, right) => left - right);
    expect(durations).toHaveLength(300);
    // Typically about 0.05 ms; a reply that waited on any timer would take at least 1 ms.
    expect(durations[150]).toBeLessThan(1);
  });
});
