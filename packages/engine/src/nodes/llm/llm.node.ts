import type { ChatResult } from "../../ports/model-gateway.ts";
import { defineNode } from "../../runtime/node-implementation.ts";
import { extractJson } from "../shared/extract-json.ts";
import { createReasoningFilter, splitReasoning } from "../shared/split-reasoning.ts";
import { validateJsonSchema, type JsonSchemaObject } from "../shared/validate-json-schema.ts";
import { buildLlmMessages } from "./build-llm-messages.ts";
import { llmSchema } from "./llm.schema.ts";

/**
 * Calls the model through the gateway (routing, fallbacks, privacy, usage). With structured output,
 * an answer that is not JSON matching the schema fails `validate`, so the gateway tries the next
 * model; structured answers are not streamed, because a rejected answer's deltas could not be taken back.
 */
export const llmNode = defineNode(llmSchema, async (config, context) => {
  const messages = buildLlmMessages(config, context);
  const schema = config.structuredOutput?.enabled ? config.structuredOutput.schema : undefined;
  const filter = config.stream && !schema ? createReasoningFilter((text) => context.emitDelta(text)) : undefined;
  const result = await context.services.models.chat({
    selection: config.model,
    messages,
    ...(schema ? { responseFormat: { type: "json" as const, schema }, validate: (answer: ChatResult) => structuredProblem(answer.text, schema) } : {}),
    ...(filter ? { onDelta: filter.push } : {}),
    signal: context.signal,
    private: context.private,
  });
  filter?.flush();
  const { text, reasoning } = splitReasoning(result.text);
  const outputs: Record<string, unknown> = { text, reasoning };
  if (schema) {
    const problem = structuredProblem(result.text, schema);
    if (problem) throw new Error(`The model's answer is not valid structured output: ${problem}`);
    outputs.structured_output = extractJson(text);
  }
  return { outputs, inputs: { messages }, usage: result.usage };
});

/** Why an answer is not JSON matching the schema; null when it is. */
export function structuredProblem(answer: string, schema: JsonSchemaObject): string | null {
  const value = extractJson(splitReasoning(answer).text);
  if (value === undefined) return "the answer contains no JSON";
  const errors = validateJsonSchema(value, schema);
  return errors.length > 0 ? `the JSON does not match the schema (${errors.join("; ")})` : null;
}
