import { randomUUID } from "node:crypto";
import { LocalModelError } from "../local-model-error.ts";
import type { LocalModelRuntime } from "../local-model-runtime.ts";
import { toGenerationOptions } from "./generation-options.ts";
import { sumOpenAiUsage, toOpenAiUsage } from "./openai-usage.ts";
import { jsonResponse, type OpenAiHttpResponse } from "./openai-response.ts";
import { completionRequestSchema } from "./openai-schemas.ts";
import { parseOpenAiBody } from "./parse-openai-body.ts";
import { streamGeneration } from "./stream-generation.ts";

/** OpenAI's documented default for the legacy completions endpoint. */
const defaultCompletionMaxTokens = 16;

/** `POST /v1/completions`: plain text continuation, one choice per prompt (streaming: one prompt). */
export async function handleCompletion(runtime: LocalModelRuntime, body: unknown, signal?: AbortSignal): Promise<OpenAiHttpResponse> {
  const request = parseOpenAiBody(completionRequestSchema, body);
  const prompts = typeof request.prompt === "string" ? [request.prompt] : request.prompt;
  const base = { model: request.model, ...toGenerationOptions(request, request.max_tokens ?? defaultCompletionMaxTokens) };
  const id = `cmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[]): Record<string, unknown> => ({ id, object: "text_completion", created, model: request.model, choices });

  if (request.stream !== true) {
    const choices: unknown[] = [];
    const usages = [];
    // One model answers one request at a time anyway: running them in turn keeps the order obvious.
    for (const [index, prompt] of prompts.entries()) {
      const result = await runtime.complete({ ...base, prompt, ...(signal !== undefined && { signal }) });
      choices.push({ index, text: result.text, logprobs: null, finish_reason: result.finishReason });
      usages.push(toOpenAiUsage(result.usage));
    }
    return jsonResponse(200, { id, object: "text_completion", created, model: request.model, choices, usage: sumOpenAiUsage(usages) });
  }

  const [prompt] = prompts;
  if (prompts.length !== 1 || prompt === undefined) {
    throw new LocalModelError("invalid_request", "Streaming completions take exactly one prompt.");
  }
  const includeUsage = request.stream_options?.include_usage === true;
  return streamGeneration({
    start: (onToken, streamSignal) => runtime.complete({ ...base, prompt, signal: streamSignal, onToken }),
    ...(signal !== undefined && { requestSignal: signal }),
    openingEvents: [],
    textEvent: (text) => chunk([{ index: 0, text, logprobs: null, finish_reason: null }]),
    closingEvents: (result) => {
      const finish = chunk([{ index: 0, text: "", logprobs: null, finish_reason: result.finishReason }]);
      const usage = toOpenAiUsage(result.usage);
      return includeUsage ? [finish, { ...chunk([]), usage }] : [{ ...finish, usage }];
    },
  });
}
