import { randomUUID } from "node:crypto";
import { LocalModelError } from "../local-model-error.ts";
import type { LocalChatMessage, LocalModelRuntime } from "../local-model-runtime.ts";
import { toGenerationOptions } from "./generation-options.ts";
import { toOpenAiUsage } from "./openai-usage.ts";
import { jsonResponse, type OpenAiHttpResponse } from "./openai-response.ts";
import { chatCompletionRequestSchema, type ChatCompletionRequestMessage } from "./openai-schemas.ts";
import { parseOpenAiBody } from "./parse-openai-body.ts";
import { streamGeneration } from "./stream-generation.ts";

/** `POST /v1/chat/completions`, blocking or `stream: true`. Text only: no tools, no images. */
export async function handleChatCompletion(runtime: LocalModelRuntime, body: unknown, signal?: AbortSignal): Promise<OpenAiHttpResponse> {
  const request = parseOpenAiBody(chatCompletionRequestSchema, body);
  const base = {
    model: request.model,
    messages: request.messages.map(toLocalMessage),
    ...toGenerationOptions(request, request.max_completion_tokens ?? request.max_tokens),
  };
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[]): Record<string, unknown> => ({ id, object: "chat.completion.chunk", created, model: request.model, choices });

  if (request.stream !== true) {
    const result = await runtime.chat({ ...base, ...(signal !== undefined && { signal }) });
    return jsonResponse(200, {
      id,
      object: "chat.completion",
      created,
      model: request.model,
      choices: [
        { index: 0, message: { role: "assistant", content: result.text, refusal: null }, logprobs: null, finish_reason: result.finishReason },
      ],
      usage: toOpenAiUsage(result.usage),
    });
  }

  const includeUsage = request.stream_options?.include_usage === true;
  return streamGeneration({
    start: (onToken, streamSignal) => runtime.chat({ ...base, signal: streamSignal, onToken }),
    ...(signal !== undefined && { requestSignal: signal }),
    openingEvents: [chunk([{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }])],
    textEvent: (text) => chunk([{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }]),
    closingEvents: (result) => {
      const finish = chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: result.finishReason }]);
      const usage = toOpenAiUsage(result.usage);
      // OpenAI sends usage in its own last chunk when asked; otherwise it rides on the finishing chunk,
      // never on both, since some clients add up the usage of every chunk.
      return includeUsage ? [finish, { ...chunk([]), usage }] : [{ ...finish, usage }];
    },
  });
}

function toLocalMessage(message: ChatCompletionRequestMessage, index: number): LocalChatMessage {
  const content = messageText(message, index);
  switch (message.role) {
    case "system":
    case "developer":
      return { role: "system", content };
    case "user":
      return { role: "user", content };
    case "assistant":
      return { role: "assistant", content };
    case "tool":
      // Local models here have no tool calling; a tool's answer still reaches the model as context.
      return { role: "user", content: `Tool result: ${content}` };
  }
}

function messageText(message: ChatCompletionRequestMessage, index: number): string {
  const { content } = message;
  if (typeof content === "string") return content;
  if (content === null || content === undefined) return "";
  return content
    .map((part) => {
      if (part.type === "text" && "text" in part && typeof part.text === "string") return part.text;
      throw new LocalModelError("invalid_request", `messages.${index}: only text content is supported by local models, got "${part.type}".`);
    })
    .join("");
}
