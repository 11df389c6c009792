import { describe, expect, it } from "vitest";
import type { ToolDefinition } from "../../ports/model-gateway.ts";
import { parseReactTurn } from "./react-format.ts";

const tools: ToolDefinition[] = [
  { name: "calculator", description: "", parameters: { type: "object", properties: { expression: { type: "string" } }, required: ["expression"] } },
  { name: "search", description: "", parameters: { type: "object", properties: { query: { type: "string" } } } },
];

describe("parseReactTurn", () => {
  it("reads an action with JSON input and cuts a made-up observation", () => {
    expect(parseReactTurn('Thought: add\nAction: calculator\nAction Input: {"expression": "1+1"}\nObservation: 2\nFinal Answer: 2', tools)).toEqual({
      kind: "action",
      thought: "add",
      tool: "calculator",
      input: { expression: "1+1" },
      text: 'Thought: add\nAction: calculator\nAction Input: {"expression": "1+1"}',
    });
  });

  it("forgives markdown, letter case, fences and plain-text input", () => {
    const turn = parseReactTurn("**thought:** look it up\n**ACTION:** `search`\n**Action Input:**\n```\n\"tandem workflows\"\n```", tools);
    expect(turn).toMatchObject({ kind: "action", tool: "search", input: { query: "tandem workflows" } });
    expect(parseReactTurn("Action: calculator\nAction Input: 2 * 21", tools)).toMatchObject({ input: { expression: "2 * 21" } });
  });

  it("reads final answers, JSON actions, and plain text as the answer", () => {
    expect(parseReactTurn("<think>hmm</think>Thought: done\nFinal Answer: 42\nand more", tools)).toEqual({ kind: "final", thought: "done", answer: "42\nand more" });
    expect(parseReactTurn('```json\n{"action": "calculator", "action_input": {"expression": "3"}}\n```', tools)).toMatchObject({ kind: "action", tool: "calculator", input: { expression: "3" } });
    expect(parseReactTurn('{"action": "Final Answer", "action_input": "Paris"}', tools)).toMatchObject({ kind: "final", answer: "Paris" });
    expect(parseReactTurn("The capital is Paris.", tools)).toEqual({ kind: "final", thought: "", answer: "The capital is Paris." });
  });
});
