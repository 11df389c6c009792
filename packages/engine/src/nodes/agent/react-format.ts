import type { ToolDefinition } from "../../ports/model-gateway.ts";
import { extractJson, isPlainObject } from "../shared/extract-json.ts";
import { splitReasoning } from "../shared/split-reasoning.ts";

/**
 * ReAct: the text protocol for models without native tool calls. The model writes
 * Thought / Action / Action Input; the node runs the tool and answers with an Observation; the
 * model ends with Final Answer.
 */
export function buildReactSystemPrompt(instruction: string, tools: readonly ToolDefinition[]): string {
  const list = tools.map((tool) => `- ${tool.name}: ${tool.description} Input: ${JSON.stringify(tool.parameters.properties ?? {})}`).join("\n");
  return [
    instruction,
    "",
    "You can use these tools:",
    list || "(none)",
    "",
    "Use exactly this format:",
    "Thought: what to do next",
    "Action: one tool name from the list",
    'Action Input: the tool input as JSON, e.g. {"expression": "2 + 2"}',
    "Then stop and wait: the Observation (the tool's result) is given to you.",
    "Repeat as needed. When you know the answer, write:",
    "Thought: I know the answer",
    "Final Answer: the answer",
  ].join("\n").trim();
}

export type ReactStep =
  | { kind: "action"; thought: string; tool: string; input: Record<string, unknown>; text: string }
  | { kind: "final"; thought: string; answer: string };

const LABEL = /^[ \t>*_#-]*(thought|action input|action|observation|final answer)[ \t*_]*:[ \t*_]*/gim;

/**
 * Reads one ReAct turn, forgiving the usual deviations: markdown around labels, any letter case, a
 * hallucinated Observation (cut off), JSON with an "action" and "action_input" key instead of labels,
 * and plain text without any label (taken as the final answer). `text` is the turn up to the
 * action input, to put back in the conversation.
 */
export function parseReactTurn(answer: string, tools: readonly ToolDefinition[]): ReactStep {
  const text = splitReasoning(answer).text;
  const sections: Array<{ label: string; start: number; end: number }> = [];
  for (const match of text.matchAll(LABEL)) {
    sections.push({ label: (match[1] ?? "").toLowerCase(), start: match.index + match[0].length, end: text.length });
    const previous = sections[sections.length - 2];
    if (previous) previous.end = match.index;
  }
  const body = (label: string): string | undefined => {
    const section = sections.find((candidate) => candidate.label === label);
    return section ? text.slice(section.start, section.end).trim() : undefined;
  };
  const thought = body("thought") ?? "";
  const actionIndex = sections.findIndex((section) => section.label === "action");
  const finalIndex = sections.findIndex((section) => section.label === "final answer");
  if (actionIndex >= 0 && (finalIndex < 0 || actionIndex < finalIndex)) {
    const tool = (body("action") ?? "").split("\n")[0]?.replace(/[`"'*]/g, "").trim() ?? "";
    const inputSection = sections.find((section) => section.label === "action input");
    const rawInput = inputSection ? text.slice(inputSection.start, inputSection.end).trim() : "";
    const upTo = inputSection ? inputSection.end : (sections[actionIndex]?.end ?? text.length);
    return { kind: "action", thought, tool, input: readInput(rawInput, tools.find((candidate) => candidate.name === tool)), text: text.slice(0, upTo).trim() };
  }
  if (finalIndex >= 0) return { kind: "final", thought, answer: body("final answer") ?? "" };
  const blob = extractJson(text);
  if (isPlainObject(blob) && typeof blob.action === "string") {
    const tool = blob.action;
    const input = blob.action_input;
    const inputText = typeof input === "string" ? input : input === undefined || input === null ? "" : JSON.stringify(input);
    if (tool.toLowerCase() === "final answer") return { kind: "final", thought, answer: inputText };
    return { kind: "action", thought, tool, input: isPlainObject(input) ? input : readInput(inputText, tools.find((candidate) => candidate.name === tool)), text };
  }
  return { kind: "final", thought, answer: sections.length > 0 && thought !== "" ? thought : text };
}

/** The input as JSON; plain text becomes the tool's first property (`2 + 2` → `{"expression": "2 + 2"}`). */
function readInput(raw: string, tool: ToolDefinition | undefined): Record<string, unknown> {
  const unfenced = raw.replace(/^```(?:json)?\s*|\s*```$/g, "").trim();
  const parsed = extractJson(unfenced);
  if (isPlainObject(parsed)) return parsed;
  if (unfenced === "") return {};
  const properties = isPlainObject(tool?.parameters.properties) ? Object.keys(tool.parameters.properties) : [];
  const required = Array.isArray(tool?.parameters.required) ? tool.parameters.required.filter((name): name is string => typeof name === "string") : [];
  const first = required[0] ?? properties[0] ?? "input";
  return { [first]: unfenced.replace(/^["']|["']$/g, "") };
}
