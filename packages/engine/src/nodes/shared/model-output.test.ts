import { describe, expect, it } from "vitest";
import { createNodeTestContext } from "../../testing/node-test-context.ts";
import { extractJson } from "./extract-json.ts";
import { readConversationHistory } from "./read-conversation-history.ts";
import { createReasoningFilter, splitReasoning } from "./split-reasoning.ts";
import { sumUsage } from "./sum-usage.ts";
import { validateJsonSchema } from "./validate-json-schema.ts";

describe("splitReasoning", () => {
  it("moves <think> blocks out of the answer, even unclosed or without the opening tag", () => {
    expect(splitReasoning("<think>a</think>\nAnswer <think>b</think>done")).toEqual({ text: "Answer done", reasoning: "a\n\nb" });
    expect(splitReasoning("<think>still thinking")).toEqual({ text: "", reasoning: "still thinking" });
    expect(splitReasoning("hidden</think>Answer")).toEqual({ text: "Answer", reasoning: "hidden" });
    expect(splitReasoning("plain")).toEqual({ text: "plain", reasoning: "" });
  });

  it("filters a stream whose tags are split across pieces", () => {
    const out: string[] = [];
    const filter = createReasoningFilter((text) => out.push(text));
    for (const piece of ["<th", "ink>secret", " stuff</thi", "nk>\n\nHel", "lo <", "b>x", " <"]) filter.push(piece);
    filter.flush();
    expect(out.join("")).toBe("Hello <b>x <");
  });
});

describe("extractJson", () => {
  it("finds the first JSON value in fences or prose", () => {
    expect(extractJson('{"a": 1}')).toEqual({ a: 1 });
    expect(extractJson('Sure!\n```json\n{"a": [1, "}"]}\n```')).toEqual({ a: [1, "}"] });
    expect(extractJson('The answer is {"b": true}. Hope that helps {x}')).toEqual({ b: true });
    expect(extractJson("no json {here")).toBeUndefined();
  });
});

describe("validateJsonSchema", () => {
  const schema = {
    type: "object",
    properties: { name: { type: "string" }, tags: { type: "array", items: { type: "string", enum: ["a", "b"] } }, age: { type: ["integer", "null"] } },
    required: ["name"],
    additionalProperties: false,
  };
  it("checks type, required, items, enum and extra properties", () => {
    expect(validateJsonSchema({ name: "x", tags: ["a"], age: null }, schema)).toEqual([]);
    expect(validateJsonSchema({ tags: ["c", 1], age: 1.5, extra: 1 }, schema)).toEqual([
      "$.name: is required",
      '$.tags[0]: must be one of "a", "b"',
      "$.tags[1]: expected string, got number",
      "$.age: expected integer or null, got number",
      "$.extra: is not allowed",
    ]);
    expect(validateJsonSchema([], { type: "object" })).toEqual(["$: expected object, got array"]);
  });
});

describe("readConversationHistory", () => {
  it("keeps the last turns, each a user message and its answers", () => {
    const history = [
      { role: "assistant", content: "welcome" },
      { role: "user", content: "q1" },
      { role: "assistant", content: "a1" },
      { role: "user", content: "q2" },
      { role: "assistant", content: "a2a" },
      { role: "assistant", content: "a2b" },
      { role: "tool", content: "ignored" },
    ];
    const context = createNodeTestContext({ pool: { sys: { history } } });
    expect(readConversationHistory(context, 1).map((message) => message.content)).toEqual(["q2", "a2a", "a2b"]);
    expect(readConversationHistory(context, 5).map((message) => message.content)).toEqual(["welcome", "q1", "a1", "q2", "a2a", "a2b"]);
    expect(readConversationHistory(createNodeTestContext(), 5)).toEqual([]);
  });
});

describe("sumUsage", () => {
  it("sums tokens and cost, keeps the last model and every fallback", () => {
    expect(
      sumUsage([
        { tokensIn: 10, tokensOut: 2, cost: 0.5, timeToFirstTokenMs: 30, model: { provider: "a", model: "x", fallbacks: [{ model: "b:y", reason: "timeout" }] } },
        { tokensIn: 5, tokensOut: 1, timeToFirstTokenMs: 10, model: { provider: "a", model: "z" } },
      ]),
    ).toEqual({ tokensIn: 15, tokensOut: 3, cost: 0.5, timeToFirstTokenMs: 30, model: { provider: "a", model: "z", fallbacks: [{ model: "b:y", reason: "timeout" }] } });
  });
});
