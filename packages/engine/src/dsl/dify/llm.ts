import { llmSchema } from "../../nodes/llm/llm.schema.ts";
import { asList, asRecord, asSelector, asText, type ConverterContext, type NodeConverter } from "./converter.ts";
import { convertModelSelection, reportModelNodeExtras } from "./model-selection.ts";

const CONTEXT_PLACEHOLDER = /\{\{#context#\}\}/g;
const MAX_MEMORY_WINDOW = 50;

interface PromptMessage {
  role: "system" | "user" | "assistant";
  text: string;
}

/**
 * Dify's LLM node. The prompt template (chat messages, or one completion-mode text) becomes the
 * system prompt and messages; knowledge context becomes a plain variable in the prompt; memory keeps
 * its window; structured output keeps its schema.
 */
export const convertLlm: NodeConverter = (data, context) => {
  reportModelNodeExtras(data, context);
  const model = convertModelSelection(data.model, context);
  const prompts = readPromptTemplate(data.prompt_template, context);
  const memory = asRecord(data.memory);
  const hasMemory = data.memory !== undefined && data.memory !== null;
  const query = asText(memory.query_prompt_template);
  if (hasMemory && query.trim() !== "") prompts.push({ role: "user", text: query });
  if (!prompts.some((prompt) => prompt.role !== "system")) {
    if (context.kind === "chatflow") {
      prompts.push({ role: "user", text: "{{#sys.query#}}" });
      context.report(["prompt_template"], "The prompt had no user message; the user's chat message ({{#sys.query#}}) was added as one.", "warning");
    } else {
      context.report(["prompt_template"], "The prompt has no user message; add one before running the workflow.");
    }
  }
  insertContext(data, prompts, context);

  const system = prompts.filter((prompt) => prompt.role === "system").map((prompt) => prompt.text).filter((text) => text.trim() !== "").join("\n\n");
  const messages = prompts.filter((prompt) => prompt.role !== "system").map((prompt) => ({ role: prompt.role, text: prompt.text }));
  const config: Record<string, unknown> = { model, ...(system === "" ? {} : { system }), messages, stream: true };
  if (hasMemory) config.memory = convertMemory(memory, context);
  if (data.structured_output_enabled === true) {
    const schema = asRecord(asRecord(data.structured_output).schema);
    config.structuredOutput = { enabled: true, schema: Object.keys(schema).length > 0 ? schema : { type: "object" } };
  }
  return { type: "llm", version: llmSchema.version, config };
};

function readPromptTemplate(value: unknown, context: ConverterContext): PromptMessage[] {
  if (!Array.isArray(value)) {
    // Completion models take one text; Tandem speaks chat, so it becomes the user message.
    const text = asText(asRecord(value).text);
    if (text !== "") context.report(["prompt_template"], "The completion-mode prompt became one user message (Tandem uses chat models).", "warning");
    return text === "" ? [] : [{ role: "user", text }];
  }
  return asList(value).flatMap((item, index) => {
    const entry = asRecord(item);
    const role = asText(entry.role, "user");
    if (entry.edition_type === "jinja2") {
      context.report(["prompt_template", index], "Jinja2 prompts are not supported in LLM nodes: the plain text was imported; reference variables as {{#node.output#}} instead.", "warning");
    }
    if (role !== "system" && role !== "user" && role !== "assistant") {
      context.report(["prompt_template", index, "role"], `Unknown prompt role "${role}"; the message was imported as a user message.`, "warning");
      return [{ role: "user" as const, text: asText(entry.text) }];
    }
    return [{ role, text: asText(entry.text) }];
  });
}

/**
 * Dify's context (usually retrieved knowledge) becomes its variable, where `{{#context#}}` was or at the
 * end of the last user message. A knowledge-retrieval node's `result` is a list of objects, which Dify
 * turns into text itself; Tandem's node offers that text as its `context` output (the chunks numbered
 * [1], [2] … with their document names), so the prompt references that instead.
 */
function insertContext(data: Record<string, unknown>, prompts: PromptMessage[], context: ConverterContext): void {
  const source = asRecord(data.context);
  let selector = asSelector(source.variable_selector);
  if (source.enabled !== true || selector.length < 2) {
    for (const prompt of prompts) prompt.text = prompt.text.replace(CONTEXT_PLACEHOLDER, "");
    return;
  }
  const [sourceId = "", output] = selector;
  const fromRetrieval = selector.length === 2 && output === "result" && context.difyTypeOf(sourceId) === "knowledge-retrieval";
  if (fromRetrieval) selector = [sourceId, "context"];
  const reference = `{{#${selector.join(".")}#}}`;
  let placed = false;
  for (const prompt of prompts) {
    if (!prompt.text.includes("{{#context#}}")) continue;
    prompt.text = prompt.text.replace(CONTEXT_PLACEHOLDER, reference);
    placed = true;
  }
  const lastUser = [...prompts].reverse().find((prompt) => prompt.role === "user");
  if (!placed && lastUser) lastUser.text = `${lastUser.text}\n\n${reference}`;
  else if (!placed) prompts.push({ role: "user", text: reference });
  const what = fromRetrieval ? "the retrieved chunks as text, numbered [1], [2] … for citations" : "";
  const where = placed ? "" : "appended to the last user message";
  const notes = [what, where].filter((note) => note !== "").join("; ");
  context.report(["context"], `The context became the variable ${reference} in the prompt text${notes === "" ? "" : ` (${notes})`}.`, "warning");
}

function convertMemory(memory: Record<string, unknown>, context: ConverterContext): Record<string, unknown> {
  const window = asRecord(memory.window);
  const size = typeof window.size === "number" ? Math.floor(window.size) : Number.parseInt(asText(window.size, "10"), 10);
  if (window.enabled !== true) {
    context.report(["memory", "window"], `Unlimited memory became the last ${MAX_MEMORY_WINDOW} turns.`, "warning");
    return { enabled: true, window: MAX_MEMORY_WINDOW };
  }
  return { enabled: true, window: Math.min(MAX_MEMORY_WINDOW, Math.max(1, Number.isFinite(size) ? size : 10)) };
}
