import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startScriptedModelServer, type ScriptedModelServer } from "./start-scripted-model-server.ts";

let server: ScriptedModelServer;

beforeAll(async () => {
  server = await startScriptedModelServer({ embeddingDimensions: 32 });
});
afterAll(() => server.close());
beforeEach(() => {
  server.clearRules();
  server.resetCalls();
});

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

interface OllamaChatLine {
  model: string;
  created_at: string;
  message: { role: string; content: string; tool_calls?: { function: { name: string; arguments: unknown } }[] };
  done: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  total_duration?: number;
  eval_duration?: number;
}

async function readNdjson(response: Response): Promise<OllamaChatLine[]> {
  const text = await response.text();
  expect(text.endsWith("\n")).toBe(true);
  return text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as OllamaChatLine);
}

describe("/api/chat", () => {
  it("streams NDJSON by default, one line per word, ending with a done line", async () => {
    server.addRule({ match: { model: "scripted-small", prompt: "hello" }, reply: { type: "text", text: "Hi from a local model." } });
    const response = await post("/api/chat", { model: "scripted-small", messages: [{ role: "user", content: "hello" }] });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = await readNdjson(response);
    const last = lines.at(-1);
    expect(lines.slice(0, -1).every((line) => !line.done && line.model === "scripted-small")).toBe(true);
    expect(lines.map((line) => line.message.content).join("")).toBe("Hi from a local model.");
    expect(lines).toHaveLength(6);
    expect(last).toMatchObject({ done: true, done_reason: "stop", prompt_eval_count: 1, eval_count: 5 });
    expect(last?.total_duration).toBeGreaterThan(0);
    expect(last?.eval_duration).toBeGreaterThan(0);
    expect(server.calls[0]).toMatchObject({ protocol: "ollama", endpoint: "chat", path: "/api/chat", stream: true, prompt: "hello" });
  });

  it("answers one object with stream: false, cutting at num_predict", async () => {
    server.addRule({ reply: { type: "text", text: "one two three four" } });
    const response = await post("/api/chat", {
      model: "scripted-large:latest",
      stream: false,
      messages: [{ role: "system", content: "Be terse." }, { role: "user", content: "count" }],
      options: { num_predict: 2, temperature: 0 },
    });
    const body = (await response.json()) as OllamaChatLine;
    expect(body).toMatchObject({
      model: "scripted-large:latest",
      message: { role: "assistant", content: "one two" },
      done: true,
      done_reason: "length",
      prompt_eval_count: 3,
      eval_count: 2,
    });
    expect(server.calls[0]).toMatchObject({ system: "Be terse.", stream: false });
  });

  it("answers tool calls with object arguments, blocking and streamed", async () => {
    const calls = [{ name: "search_docs", arguments: { query: "vacation policy", top_k: 3 } }];
    server.addRule({ reply: { type: "tool-call", calls } });
    const tools = [{ type: "function", function: { name: "search_docs", parameters: { type: "object" } } }];
    const messages = [{ role: "user", content: "How many vacation days?" }];
    const blocking = (await (await post("/api/chat", { model: "scripted-small", stream: false, messages, tools })).json()) as OllamaChatLine;
    expect(blocking.message.tool_calls?.map((call) => call.function)).toEqual([
      { index: 0, name: "search_docs", arguments: { query: "vacation policy", top_k: 3 } },
    ]);
    expect(blocking.message.content).toBe("");
    const streamed = await readNdjson(await post("/api/chat", { model: "scripted-small", messages, tools }));
    const withCalls = streamed.filter((line) => line.message.tool_calls !== undefined);
    expect(withCalls).toHaveLength(1);
    expect(withCalls[0]?.message.tool_calls?.[0]?.function).toMatchObject({ name: "search_docs", arguments: { query: "vacation policy" } });
    expect(server.calls[0]?.tools).toEqual([{ name: "search_docs", parameters: { type: "object" } }]);
  });

  it("answers the JSON text of a json rule under format: json or a schema", async () => {
    server.addRule({ reply: { type: "json", value: { city: "Paris" } } });
    for (const format of ["json", { type: "object", properties: { city: { type: "string" } } }]) {
      const response = await post("/api/chat", { model: "scripted-small", stream: false, format, messages: [{ role: "user", content: "city?" }] });
      const body = (await response.json()) as OllamaChatLine;
      expect(JSON.parse(body.message.content)).toEqual({ city: "Paris" });
    }
    expect(server.calls.map((call) => call.json)).toEqual([true, true]);
  });

  it("answers errors in Ollama's shape: unknown model 404, malformed body 400, 429 with retry-after", async () => {
    const unknown = await post("/api/chat", { model: "llama9", messages: [{ role: "user", content: "hi" }] });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'model "llama9" not found, try pulling it first' });
    const malformed = await post("/api/chat", "{oops");
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toContain("Malformed JSON");
    server.addRule({ reply: { type: "error", status: 429, message: "busy" } });
    const limited = await post("/api/chat", { model: "scripted-small", messages: [{ role: "user", content: "hi" }] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(await limited.json()).toEqual({ error: "busy" });
  });
});

describe("/api/generate", () => {
  it("answers a prompt with `response` text, streamed or blocking", async () => {
    server.addRule({ match: { endpoint: "completions", system: "poet" }, reply: { type: "text", text: "Roses are red" } });
    const blocking = (await (await post("/api/generate", { model: "scripted-small", prompt: "A poem", system: "You are a poet", stream: false })).json()) as { response: string; done: boolean };
    expect(blocking).toMatchObject({ response: "Roses are red", done: true });
    const lines = (await (await post("/api/generate", { model: "scripted-small", prompt: "A poem", system: "You are a poet" })).text())
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { response: string; done: boolean });
    expect(lines.map((line) => line.response).join("")).toBe("Roses are red");
    expect(lines.at(-1)?.done).toBe(true);
  });
});

describe("/api/embed", () => {
  it("embeds a string or an array, deterministically", async () => {
    const many = (await (await post("/api/embed", { model: "scripted-embed", input: ["alpha beta", "gamma"] })).json()) as {
      model: string;
      embeddings: number[][];
      prompt_eval_count: number;
    };
    expect(many.model).toBe("scripted-embed");
    expect(many.embeddings.map((vector) => vector.length)).toEqual([32, 32]);
    expect(many.prompt_eval_count).toBe(3);
    const one = (await (await post("/api/embed", { model: "scripted-embed", input: "alpha beta" })).json()) as { embeddings: number[][] };
    expect(one.embeddings).toEqual([many.embeddings[0]]);
    const legacy = (await (await post("/api/embeddings", { model: "scripted-embed", prompt: "alpha beta" })).json()) as { embedding: number[] };
    expect(legacy.embedding).toEqual(many.embeddings[0]);
    expect((await post("/api/embed", { model: "missing-embed", input: "x" })).status).toBe(404);
  });
});

describe("model metadata", () => {
  it("lists models with details in /api/tags", async () => {
    const tags = (await (await fetch(`${server.url}/api/tags`)).json()) as {
      models: { name: string; model: string; modified_at: string; size: number; details: Record<string, unknown> }[];
    };
    expect(tags.models.map((model) => model.name)).toEqual(["scripted-small", "scripted-large", "scripted-embed"]);
    expect(tags.models[0]).toMatchObject({
      model: "scripted-small",
      details: { family: "llama", parameter_size: expect.any(String) as unknown, quantization_level: "Q4_K_M" },
    });
    expect(tags.models[0]?.size).toBeGreaterThan(0);
  });

  it("shows context length and capabilities in /api/show, and 404s an unknown model", async () => {
    const chat = (await (await post("/api/show", { model: "scripted-small" })).json()) as { model_info: Record<string, unknown>; capabilities: string[] };
    expect(chat.model_info["llama.context_length"]).toBe(8192);
    expect(chat.capabilities).toEqual(["completion", "tools"]);
    const embed = (await (await post("/api/show", { name: "scripted-embed" })).json()) as { model_info: Record<string, unknown>; capabilities: string[] };
    expect(embed.capabilities).toEqual(["embedding"]);
    expect(embed.model_info["nomic-bert.embedding_length"]).toBe(32);
    const missing = await post("/api/show", { model: "nope" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "model 'nope' not found" });
  });

  it("reports a version and answers its root like Ollama", async () => {
    expect(await (await fetch(`${server.url}/api/version`)).json()).toEqual({ version: expect.any(String) as unknown });
    expect(await (await fetch(server.url)).text()).toBe("Ollama is running");
  });
});
