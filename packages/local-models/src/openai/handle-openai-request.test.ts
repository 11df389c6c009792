import { getLlama, LlamaLogLevel, type Llama } from "node-llama-cpp";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalModelRuntime } from "../create-local-model-runtime.ts";
import type { LocalModelRuntime } from "../local-model-runtime.ts";
import { createModelsDir, type TemporaryModelsDir } from "../testing/stories-model.ts";
import { handleOpenAiRequest } from "./handle-openai-request.ts";
import type { OpenAiHttpResponse } from "./openai-response.ts";
import { startLocalOpenAiServer, type LocalOpenAiServer } from "./start-local-openai-server.ts";
import { toWebResponse } from "./to-web-response.ts";

let llama: Llama;
let modelsDir: TemporaryModelsDir;
let runtime: LocalModelRuntime;
let server: LocalOpenAiServer;
let client: OpenAI;

const messages = [
  { role: "system" as const, content: "You tell short stories." },
  { role: "user" as const, content: "Tell me about a cat." },
];

beforeAll(async () => {
  llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
  modelsDir = await createModelsDir(["stories260K"]);
  runtime = createLocalModelRuntime({ modelsDir: modelsDir.path, llama, threads: 1 });
  server = await startLocalOpenAiServer(runtime);
  client = new OpenAI({ baseURL: server.url, apiKey: "local", maxRetries: 0, timeout: 20_000 });
});

afterAll(async () => {
  await server.close();
  await runtime.close();
  await llama.dispose();
  await modelsDir.remove();
});

async function readBody(response: OpenAiHttpResponse): Promise<string> {
  if (typeof response.body === "string") return response.body;
  let text = "";
  for await (const chunk of response.body) text += chunk;
  return text;
}

describe("the OpenAI-compatible API through the official SDK", () => {
  it("lists the models of the folder", async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(["stories260K"]);
    expect(models.data[0]).toMatchObject({ object: "model", owned_by: "local" });
    expect((await client.models.retrieve("stories260K")).id).toBe("stories260K");
  });

  it("answers a blocking chat completion with usage", async () => {
    const completion = await client.chat.completions.create({ model: "stories260K", messages, max_tokens: 32 });
    const choice = completion.choices[0];
    expect(choice?.message.role).toBe("assistant");
    expect(choice?.message.content?.trim().length).toBeGreaterThan(0);
    expect(["stop", "length"]).toContain(choice?.finish_reason);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage?.total_tokens).toBe((completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0));
  });

  it("streams a chat completion whose deltas add up to the blocking answer", async () => {
    const blocking = await client.chat.completions.create({ model: "stories260K", messages, max_tokens: 48 });
    const stream = await client.chat.completions.create({
      model: "stories260K",
      messages,
      max_tokens: 48,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let contentChunks = 0;
    let finishReason: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) {
        text += choice.delta.content;
        contentChunks += 1;
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(blocking.choices[0]?.message.content);
    expect(contentChunks).toBeGreaterThan(1);
    expect(finishReason).toBe(blocking.choices[0]?.finish_reason);
    expect(usage).toEqual(blocking.usage);
  });

  it("completes plain text, blocking and streaming", async () => {
    const completion = await client.completions.create({ model: "stories260K", prompt: "Once upon a time", max_tokens: 24 });
    expect(completion.choices[0]?.text.length).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBe(24);
    const stream = await client.completions.create({ model: "stories260K", prompt: "Once upon a time", max_tokens: 24, stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
    expect(text).toBe(completion.choices[0]?.text);
  });

  it("embeds with the SDK's default base64 encoding and with floats", async () => {
    const base64 = await client.embeddings.create({ model: "stories260K", input: ["The cat sat.", "A dog ran."] });
    expect(base64.data).toHaveLength(2);
    expect(base64.data[0]?.embedding).toHaveLength(64);
    const floats = await client.embeddings.create({ model: "stories260K", input: "The cat sat.", encoding_format: "float" });
    const fromBase64 = base64.data[0]?.embedding ?? [];
    const fromFloats = floats.data[0]?.embedding ?? [];
    expect(fromFloats).toHaveLength(64);
    // base64 carries float32: equal to the float answer within float32 precision.
    fromFloats.forEach((value, index) => expect(fromBase64[index]).toBeCloseTo(value, 4));
    expect(floats.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("reports errors in OpenAI's envelope, which the SDK turns into typed errors", async () => {
    const missing: unknown = await client.chat.completions.create({ model: "nope", messages }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing instanceof OpenAI.APIError && missing.code).toBe("model_not_found");
    const streamingMissing: unknown = await client.chat.completions
      .create({ model: "nope", messages, stream: true })
      .catch((error: unknown) => error);
    expect(streamingMissing).toBeInstanceOf(OpenAI.NotFoundError);
    const invalid: unknown = await client.chat.completions.create({ model: "stories260K", messages: [] }).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe("handleOpenAiRequest", () => {
  it("answers unknown routes, wrong methods and bad bodies with OpenAI error envelopes", async () => {
    const unknown = await handleOpenAiRequest(runtime, { method: "GET", path: "/v1/files" });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(await readBody(unknown))).toMatchObject({ error: { code: "unknown_url", type: "invalid_request_error" } });

    const wrongMethod = await handleOpenAiRequest(runtime, { method: "GET", path: "/v1/chat/completions" });
    expect(wrongMethod.status).toBe(405);

    const notJson = await handleOpenAiRequest(runtime, { method: "POST", path: "/v1/chat/completions", body: "{oops" });
    expect(notJson.status).toBe(400);
    expect(await readBody(notJson)).toContain("not valid JSON");

    const badField = await handleOpenAiRequest(runtime, {
      method: "POST",
      path: "/chat/completions",
      body: { model: "stories260K", messages, temperature: 5 },
    });
    expect(badField.status).toBe(400);
    expect(await readBody(badField)).toContain("temperature");
  });

  it("maps an overlong prompt to context_length_exceeded", async () => {
    const response = await handleOpenAiRequest(runtime, {
      method: "POST",
      path: "/v1/completions",
      body: { model: "stories260K", prompt: "Once upon a time there was a cat. ".repeat(400) },
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(await readBody(response))).toMatchObject({ error: { code: "context_length_exceeded" } });
  });

  it("streams server-sent events ending with [DONE], mountable under any prefix", async () => {
    const response = await handleOpenAiRequest(runtime, {
      method: "POST",
      path: "/v1/chat/completions?x=1",
      body: JSON.stringify({ model: "stories260K", messages, max_tokens: 8, stream: true }),
    });
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toContain("text/event-stream");
    const events = (await readBody(response)).split("\n\n").filter((event) => event.length > 0);
    expect(events.every((event) => event.startsWith("data: "))).toBe(true);
    expect(events.at(-1)).toBe("data: [DONE]");
    const last = JSON.parse(events.at(-2)?.slice("data: ".length) ?? "{}") as { usage?: { completion_tokens: number } };
    expect(last.usage?.completion_tokens).toBe(8);
  });

  it("stops generating when the consumer stops reading the stream", async () => {
    const response = await handleOpenAiRequest(runtime, {
      method: "POST",
      path: "/v1/completions",
      body: { model: "stories260K", prompt: "Once upon a time", max_tokens: 1500, stream: true },
    });
    if (typeof response.body === "string") throw new Error("expected a stream");
    let events = 0;
    for await (const _event of response.body) {
      events += 1;
      if (events === 2) break;
    }
    // The model is free again at once, not after 1,500 tokens.
    const started = performance.now();
    const next = await runtime.complete({ model: "stories260K", prompt: "Once", maxTokens: 4 });
    expect(next.usage.tokensOut).toBe(4);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("converts to a Fetch API Response for route handlers, streaming included", async () => {
    const models = toWebResponse(await handleOpenAiRequest(runtime, { method: "GET", path: "/models" }));
    expect(models.status).toBe(200);
    expect(((await models.json()) as { data: unknown[] }).data).toHaveLength(1);
    const streamed = toWebResponse(
      await handleOpenAiRequest(runtime, {
        method: "POST",
        path: "/v1/completions",
        body: { model: "stories260K", prompt: "Once upon a time", max_tokens: 8, stream: true },
      }),
    );
    expect(streamed.headers.get("content-type")).toContain("text/event-stream");
    expect((await streamed.text()).endsWith("data: [DONE]\n\n")).toBe(true);
  });
});
