import type { ChatResult } from "../../ports/model-gateway.ts";
import { defineNode } from "../../runtime/node-implementation.ts";
import { valueToText } from "../../schema/value-reference.ts";
import { extractJsonObject } from "../shared/extract-json.ts";
import { splitReasoning } from "../shared/split-reasoning.ts";
import { coerceParameters, type CoercedParameters } from "./coerce-parameters.ts";
import { buildExtractionMessages, EXTRACTION_TOOL_NAME, extractionTool, parametersJsonSchema } from "./extraction-prompt.ts";
import { parameterExtractorSchema, type ExtractedParameter } from "./parameter-extractor.schema.ts";

/**
 * Asks for the parameters as JSON (or as one tool call), then types them. An answer with missing or
 * invalid values fails `validate`, so the gateway tries the next model. When no model gives a valid
 * answer the node still succeeds, as in Dify: `__is_success` is 0 and `__reason` says what was wrong.
 * When no model answered at all (all unreachable), the node fails.
 */
export const parameterExtractorNode = defineNode(parameterExtractorSchema, async (config, context) => {
  const query = valueToText(context.resolve(config.query));
  const instruction = config.instruction === undefined ? "" : context.render(config.instruction).trim();
  const messages = buildExtractionMessages(config.parameters, query, instruction, config.mode);
  let lastAnswer: { text: string; coerced: CoercedParameters } | undefined;
  const check = (answer: ChatResult): string | null => {
    const coerced = readAnswer(answer, config.parameters);
    lastAnswer = { text: answer.text, coerced };
    return coerced.problems.length > 0 ? coerced.problems.join("; ") : null;
  };
  let result: ChatResult;
  try {
    result = await context.services.models.chat({
      selection: config.model,
      messages,
      ...(config.mode === "tools"
        ? { tools: [extractionTool(config.parameters)] }
        : { responseFormat: { type: "json" as const, schema: parametersJsonSchema(config.parameters) } }),
      validate: check,
      signal: context.signal,
      private: context.private,
    });
  } catch (error) {
    if (!lastAnswer || context.signal.aborted) throw error;
    const reason = `No model gave valid values: ${lastAnswer.coerced.problems.join("; ")}`;
    return { outputs: { ...lastAnswer.coerced.values, __is_success: 0, __reason: reason }, inputs: { query, answer: lastAnswer.text } };
  }
  const coerced = readAnswer(result, config.parameters);
  const success = coerced.problems.length === 0;
  return {
    outputs: { ...coerced.values, __is_success: success ? 1 : 0, __reason: success ? "" : coerced.problems.join("; ") },
    inputs: { query, answer: result.toolCalls.length > 0 ? result.toolCalls : result.text },
    usage: result.usage,
  };
});

/** The values of the extraction tool call, else the JSON object in the text. */
function readAnswer(answer: ChatResult, parameters: readonly ExtractedParameter[]): CoercedParameters {
  const call = answer.toolCalls.find((toolCall) => toolCall.name === EXTRACTION_TOOL_NAME) ?? answer.toolCalls[0];
  const raw = call?.arguments ?? extractJsonObject(splitReasoning(answer.text).text);
  if (!raw) return { values: coerceParameters({}, parameters).values, problems: ["the answer holds no JSON object"] };
  return coerceParameters(raw, parameters);
}
