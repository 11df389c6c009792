import OpenAI, { APIError } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startScriptedModelServer, type ScriptedModelServer } from "./start-scripted-model-server.ts";

let server: ScriptedModelServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startScriptedModelServer();
  client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: "test", maxRetries: 0 });
});
afterAll(() => server.close());
beforeEach(() => {
  server.clearRules();
  server.resetCalls();
});

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

async function ask(content: string, model = "scripted-small", system?: string): Promise<string | null> {
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content }];
  if (system !== undefined) messages.unshift({ role: "system", content: system });
  const completion = await client.chat.completions.create({ model, messages });
  return completion.choices[0]?.message.content ?? null;
}

describe("rules", () => {
  it("answers an unmatched request with a reply naming the prompt", async () => {
    expect(await ask("What is RAG?")).toBe("Scripted reply to: What is RAG?");
  });

  it("matches by prompt substring and RegExp, by model and by system message, first match winning", async () => {
    server.addRule({ match: { prompt: "capital of France" }, reply: { type: "text", text: "Paris." } });
    server.addRule({ match: { prompt: /^summar/im }, reply: { type: "text", text: "A summary." } });
    server.addRule({ match: { model: "scripted-large" }, reply: { type: "text", text: "From the large model." } });
    server.addRule({ match: { system: /pirate/ }, reply: { type: "text", text: "Arr." } });
    server.addRule({ match: { prompt: "France" }, reply: { type: "text", text: "Never reached for the capital." } });

    expect(await ask("What is the capital of France?")).toBe("Paris.");
    expect(await ask("Summarise this\nplease")).toBe("A summary.");
    expect(await ask("Summarise again")).toBe("A summary.");
    expect(await ask("Hello", "scripted-large")).toBe("From the large model.");
    expect(await ask("Hello", "scripted-small", "You are a pirate.")).toBe("Arr.");
    expect(await ask("Hello", "scripted-small", "You are a clerk.")).toBe("Scripted reply to: Hello");
  });

  it("applies a rule `times` times, then falls through", async () => {
    server.addRule({ times: 2, reply: { type: "text", text: "limited" } });
    server.addRule({ reply: { type: "echo" } });
    expect(await ask("one")).toBe("limited");
    expect(await ask("two")).toBe("limited");
    expect(await ask("three")).toBe("three");
  });

  it("reports usage from the rule, or counts words", async () => {
    server.addRule({ match: { prompt: "fixed" }, reply: { type: "text", text: "a b c", usage: { prompt_tokens: 7, completion_tokens: 9 } } });
    const fixed = await client.chat.completions.create({ model: "scripted-small", messages: [{ role: "user", content: "fixed" }] });
    expect(fixed.usage).toEqual({ prompt_tokens: 7, completion_tokens: 9, total_tokens: 16 });
    server.addRule({ reply: { type: "text", text: "three words here" } });
    const counted = await client.chat.completions.create({ model: "scripted-small", messages: [{ role: "user", content: "two words" }] });
    expect(counted.usage).toEqual({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
    expect(counted).toMatchObject({ object: "chat.completion", model: "scripted-small", choices: [{ index: 0, finish_reason: "stop" }] });
  });
});

describe("streaming", () => {
  it("streams content word by word and reassembles to the text, with usage when asked", async () => {
    const text = "Local models are first-class in Tandem.  Really!\n";
    server.addRule({ reply: { type: "text", text } });
    const stream = await client.chat.completions.create({
      model: "scripted-small",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    const contents = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? ""));
    expect(contents.join("")).toBe(text);
    expect(contents.filter((content) => content !== "").length).toBe(7);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 1, completion_tokens: 7, total_tokens: 8 });
  });

  it("cuts the reply at max_tokens with finish_reason length", async () => {
    server.addRule({ reply: { type: "text", text: "one two three four five" } });
    const completion = await client.chat.completions.create({
      model: "scripted-small",
      messages: [{ role: "user", content: "count" }],
      max_tokens: 3,
    });
    expect(completion.choices[0]?.message.content).toBe("one two three");
    expect(completion.choices[0]?.finish_reason).toBe("length");
    expect(completion.usage?.completion_tokens).toBe(3);
  });

  it("paces a slow-stream rule at its own rate", async () => {
    server.addRule({ reply: { type: "slow-stream", text: "a b c d e f g h i j", tokensPerSecond: 50 } });
    const startedAt = performance.now();
    const arrivals: number[] = [];
    const stream = await client.chat.completions.create({ model: "scripted-small", messages: [{ role: "user", content: "go" }], stream: true });
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) arrivals.push(performance.now() - startedAt);
    expect(arrivals).toHaveLength(10);
    // Ten tokens at 50/s: the last arrives after about 200 ms, and they are spread out, not in one burst.
    expect(arrivals.at(-1)).toBeGreaterThanOrEqual(180);
    expect(arrivals.at(-1)).toBeLessThan(1_000);
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(100);
  });
});

describe("tool calls", () => {
  const calls = [
    { name: "get_weather", arguments: { city: "Paris", days: 3, units: { temperature: "celsius" } } },
    { name: "get_weather", arguments: { city: "Lyon" } },
  ];

  it("answers tool calls in a blocking completion", async () => {
    server.addRule({ match: { prompt: "weather" }, reply: { type: "tool-call", calls } });
    const completion = await client.chat.completions.create({
      model: "scripted-small",
      messages: [{ role: "user", content: "What is the weather in Paris and Lyon?" }],
      tools: [weatherTool],
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    const toolCalls = (choice?.message.tool_calls ?? []).filter((call) => call.type === "function");
    expect(toolCalls.map((call) => call.function.name)).toEqual(["get_weather", "get_weather"]);
    expect(toolCalls.map((call) => JSON.parse(call.function.arguments) as unknown)).toEqual(calls.map((call) => call.arguments));
    expect(new Set(toolCalls.map((call) => call.id)).size).toBe(2);
  });

  it("streams tool calls incrementally and the SDK reassembles them", async () => {
    server.addRule({ reply: { type: "tool-call", calls, text: "Checking." } });
    const stream = client.chat.completions.stream({
      model: "scripted-small",
      messages: [{ role: "user", content: "weather?" }],
      tools: [weatherTool],
    });
    const message = await stream.finalMessage();
    expect(message.content).toBe("Checking.");
    const toolCalls = (message.tool_calls ?? []).filter((call) => call.type === "function");
    expect(toolCalls.map((call) => call.function.name)).toEqual(["get_weather", "get_weather"]);
    expect(toolCalls.map((call) => JSON.parse(call.function.arguments) as unknown)).toEqual(calls.map((call) => call.arguments));
    expect((await stream.finalChatCompletion()).choices[0]?.finish_reason).toBe("tool_calls");
  });
});

describe("JSON mode", () => {
  it("answers the JSON text of a json rule under json_object and json_schema", async () => {
    const value = { answer: "Paris", confidence: 0.9, sources: ["doc-1"] };
    server.addRule({ reply: { type: "json", value } });
    const jsonObject = await client.chat.completions.create({
      model: "scripted-small",
      messages: [{ role: "user", content: "Answer in JSON" }],
      response_format: { type: "json_object" },
    });
    expect(JSON.parse(jsonObject.choices[0]?.message.content ?? "") as unknown).toEqual(value);
    const jsonSchema = await client.chat.completions.create({
      model: "scripted-small",
      messages: [{ role: "user", content: "Answer in JSON" }],
      response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" } } },
    });
    expect(JSON.parse(jsonSchema.choices[0]?.message.content ?? "") as unknown).toEqual(value);
    expect(server.calls.map((call) => call.json)).toEqual([true, true]);
  });
});

describe("errors and delays", () => {
  it("surfaces a 500 rule as an APIError with status 500", async () => {
    server.addRule({ reply: { type: "error", status: 500, message: "model crashed" } });
    const error = await ask("hi").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ status: 500 });
    expect((error as APIError).message).toContain("model crashed");
  });

  it("surfaces a 429 rule with its retry-after header", async () => {
    server.addRule({ times: 1, reply: { type: "error", status: 429, message: "slow down", retryAfterS: 3 } });
    const error = await ask("hi").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(429);
    expect((error as APIError).headers?.get("retry-after")).toBe("3");
    expect(await ask("hi")).toBe("Scripted reply to: hi");
  });

  it("delays a reply by the rule's ms, also for a streamed error", async () => {
    server.addRule({ times: 1, reply: { type: "delay", ms: 150, then: { type: "text", text: "late" } } });
    const startedAt = performance.now();
    expect(await ask("hi")).toBe("late");
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
    server.addRule({ reply: { type: "delay", ms: 50, then: { type: "error", status: 503, message: "overloaded" } } });
    const error = await client.chat.completions
      .create({ model: "scripted-small", messages: [{ role: "user", content: "x" }], stream: true })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 503 });
  });
});

describe("call log", () => {
  it("records protocol, endpoint, model, messages, prompt, tools, stream, status and reply", async () => {
    const ruleId = server.addRule({ match: { prompt: "tool" }, reply: { type: "tool-call", calls: [{ name: "get_weather", arguments: { city: "Oslo" } }] } });
    await client.chat.completions.create({
      model: "scripted-small",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "first question" }] },
        { role: "assistant", content: "first answer" },
        { role: "user", content: "use a tool" },
      ],
      tools: [weatherTool],
      temperature: 0.2,
    });
    await ask("plain").catch(() => undefined);
    expect(server.calls).toHaveLength(2);
    const [toolCall, plain] = server.calls;
    expect(toolCall).toMatchObject({
      protocol: "openai",
      endpoint: "chat",
      path: "/v1/chat/completions",
      model: "scripted-small",
      prompt: "use a tool",
      system: "Be brief.",
      stream: false,
      status: 200,
      responseText: "",
      toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }],
      ruleId,
      tools: [{ name: "get_weather", description: "Weather for a city" }],
      body: { temperature: 0.2 },
    });
    expect(toolCall?.messages.map((message) => message.content)).toEqual(["Be brief.", "first question", "first answer", "use a tool"]);
    expect(toolCall?.at).toBeGreaterThan(Date.now() - 10_000);
    expect(plain).toMatchObject({ prompt: "plain", responseText: "Scripted reply to: plain", status: 200 });
    expect(plain?.ruleId).toBeUndefined();
    server.resetCalls();
    expect(server.calls).toHaveLength(0);
  });
});
