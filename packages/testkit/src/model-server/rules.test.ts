import { describe, expect, it } from "vitest";
import { createModelRequest, type ModelEndpoint } from "./model-request.ts";
import { RuleBook } from "./rules.ts";

function request(content: string, endpoint: ModelEndpoint = "chat", model = "scripted-small") {
  return createModelRequest({
    protocol: "openai",
    endpoint,
    path: "/test",
    model,
    messages: [
      { role: "system", content: "You answer from the handbook." },
      { role: "user", content },
    ],
    stream: false,
    json: false,
    body: {},
    receivedAt: 0,
  });
}

describe("RuleBook", () => {
  it("matches a global RegExp the same way every time", () => {
    const rules = new RuleBook();
    rules.add({ match: { prompt: /refund/g }, reply: { type: "echo" } });
    expect(rules.take(request("refund please"))).toBeDefined();
    expect(rules.take(request("refund please"))).toBeDefined();
  });

  it("tests prompt against every message, system against system messages, model exactly", () => {
    const rules = new RuleBook();
    const byPrompt = rules.add({ match: { prompt: "handbook" }, reply: { type: "echo" } });
    expect(rules.take(request("anything"))?.id).toBe(byPrompt);
    rules.clear();
    rules.add({ match: { model: "scripted" }, reply: { type: "echo" } });
    expect(rules.take(request("x"))).toBeUndefined();
    const bySystem = rules.add({ match: { system: /^You answer/ }, reply: { type: "echo" } });
    expect(rules.take(request("x"))?.id).toBe(bySystem);
  });

  it("leaves embeddings alone unless a rule names that endpoint", () => {
    const rules = new RuleBook();
    rules.add({ reply: { type: "error", status: 500, message: "no" } });
    expect(rules.take(request("x", "embeddings"))).toBeUndefined();
    expect(rules.take(request("x", "completions"))).toBeDefined();
    const embeddingRule = rules.add({ match: { endpoint: "embeddings" }, reply: { type: "error", status: 500, message: "no" } });
    expect(rules.take(request("x", "embeddings"))?.id).toBe(embeddingRule);
  });

  it("counts down `times` and removes rules by id", () => {
    const rules = new RuleBook();
    const once = rules.add({ times: 1, reply: { type: "echo" } });
    const always = rules.add({ reply: { type: "echo" } });
    expect(rules.take(request("a"))?.id).toBe(once);
    expect(rules.take(request("a"))?.id).toBe(always);
    expect(rules.remove(always)).toBe(true);
    expect(rules.remove(always)).toBe(false);
    expect(rules.take(request("a"))).toBeUndefined();
  });
});
