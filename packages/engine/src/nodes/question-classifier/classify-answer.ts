import type { ChatMessage } from "../../ports/model-gateway.ts";
import { extractJsonObject } from "../shared/extract-json.ts";
import { splitReasoning } from "../shared/split-reasoning.ts";
import type { QuestionClass } from "./question-classifier.schema.ts";

/**
 * The prompt is kept small on purpose: small local models follow a short list and a one-line output
 * format far better than Dify's long few-shot prompt.
 */
export function buildClassifierMessages(classes: readonly QuestionClass[], query: string, instruction: string): ChatMessage[] {
  const system = [
    "You sort text into exactly one category.",
    instruction,
    'Reply with JSON only, like {"class_id": "<id>"}.',
  ].filter((line) => line !== "").join("\n");
  const list = classes.map((questionClass) => `- id "${questionClass.id}": ${questionClass.name}`).join("\n");
  return [
    { role: "system", content: system },
    { role: "user", content: `Categories:\n${list}\n\nText:\n${query}\n\nWhich category id fits the text?` },
  ];
}

/** JSON Schema for providers that constrain output to a schema. */
export function classifierResponseSchema(classes: readonly QuestionClass[]): Record<string, unknown> {
  return {
    type: "object",
    properties: { class_id: { type: "string", enum: classes.map((questionClass) => questionClass.id) } },
    required: ["class_id"],
  };
}

const ANSWER_KEYS = ["class_id", "classId", "id", "class", "category", "category_id", "class_name", "label"];

/**
 * The class an answer names: `{"class_id": …}` (or a similar key) by id or name, else a bare id or
 * name, else the one class whose id or name the text mentions. Undefined when none or several.
 */
export function findAnsweredClass(answer: string, classes: readonly QuestionClass[]): QuestionClass | undefined {
  const text = splitReasoning(answer).text;
  const json = extractJsonObject(text);
  if (json) {
    for (const key of ANSWER_KEYS) {
      const value = json[key];
      if (typeof value !== "string" && typeof value !== "number") continue;
      const found = matchExactly(String(value), classes);
      if (found) return found;
    }
  }
  const bare = matchExactly(text.replace(/^[\s"'`*]+|[\s"'`*.!]+$/g, ""), classes);
  if (bare) return bare;
  return mentionedOnce(text, classes);
}

function normalise(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, " ");
}

function matchExactly(value: string, classes: readonly QuestionClass[]): QuestionClass | undefined {
  const byValue = (wanted: string): QuestionClass | undefined =>
    wanted === ""
      ? undefined
      : (classes.find((questionClass) => normalise(questionClass.id) === wanted) ?? classes.find((questionClass) => normalise(questionClass.name) === wanted));
  // "Class: Billing", "category id = 2": the label is noise when the rest names a class.
  return byValue(normalise(value)) ?? byValue(normalise(value.replace(/^(class|category)(_id| id)?\s*[:=]\s*/i, "")));
}

/** The single class whose name (or quoted id) appears in free text. */
function mentionedOnce(text: string, classes: readonly QuestionClass[]): QuestionClass | undefined {
  const haystack = normalise(text);
  const byName = classes.filter((questionClass) => containsWord(haystack, normalise(questionClass.name)));
  if (byName.length === 1) return byName[0];
  const byId = classes.filter((questionClass) => containsWord(haystack, `"${normalise(questionClass.id)}"`) || containsWord(haystack, `id ${normalise(questionClass.id)}`));
  return byId.length === 1 ? byId[0] : undefined;
}

function containsWord(haystack: string, needle: string): boolean {
  if (needle === "") return false;
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(needle, from);
    if (at < 0) return false;
    const before = haystack[at - 1];
    const after = haystack[at + needle.length];
    if ((before === undefined || !/[\p{L}\p{N}]/u.test(before)) && (after === undefined || !/[\p{L}\p{N}]/u.test(after))) return true;
    from = at + 1;
  }
}
