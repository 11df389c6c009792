import { z } from "zod";
import type { ChatMessage } from "./model-request.ts";
import { toolDefinitionSchema } from "./tool-definitions.ts";

/** Request bodies of the OpenAI API, as loose as real clients need: unknown fields pass through. */

const contentPartSchema = z.object({ type: z.string(), text: z.string().optional() }).passthrough();

const messageSchema = z
  .object({
    role: z.string(),
    content: z.union([z.string(), z.array(contentPartSchema), z.null()]).optional(),
    tool_calls: z
      .array(z.object({ id: z.string().optional(), function: z.object({ name: z.string(), arguments: z.string() }) }).passthrough())
      .nullish(),
    tool_call_id: z.string().nullish(),
  })
  .passthrough();

const streamOptionsSchema = z.object({ include_usage: z.boolean().nullish() }).passthrough().nullish();

export const chatCompletionBodySchema = z
  .object({
    model: z.string(),
    messages: z.array(messageSchema),
    stream: z.boolean().nullish(),
    stream_options: streamOptionsSchema,
    tools: z.array(toolDefinitionSchema).nullish(),
    response_format: z.object({ type: z.string() }).passthrough().nullish(),
    max_tokens: z.number().int().nullish(),
    max_completion_tokens: z.number().int().nullish(),
  })
  .passthrough();

export const completionBodySchema = z
  .object({
    model: z.string(),
    prompt: z.union([z.string(), z.array(z.string())]),
    stream: z.boolean().nullish(),
    stream_options: streamOptionsSchema,
    max_tokens: z.number().int().nullish(),
  })
  .passthrough();

export const embeddingBodySchema = z
  .object({
    model: z.string(),
    input: z.union([z.string(), z.array(z.string())]),
    encoding_format: z.enum(["float", "base64"]).nullish(),
  })
  .passthrough();

/** `/v1/rerank` as llama.cpp's server, vLLM, Jina and Cohere accept it. */
export const rerankBodySchema = z
  .object({
    model: z.string(),
    query: z.string(),
    documents: z.array(z.union([z.string(), z.object({ text: z.string() })])),
    top_n: z.number().int().min(1).nullish(),
  })
  .passthrough();

function parseArguments(argumentsJson: string): unknown {
  try {
    return JSON.parse(argumentsJson);
  } catch {
    return argumentsJson;
  }
}

/** OpenAI messages as the server's protocol-neutral messages. */
export function toChatMessages(messages: z.infer<typeof messageSchema>[]): ChatMessage[] {
  return messages.map((message) => {
    const content =
      typeof message.content === "string"
        ? message.content
        : (message.content ?? []).map((part) => part.text ?? "").join("");
    const chatMessage: ChatMessage = { role: message.role, content };
    if (message.tool_calls) {
      chatMessage.toolCalls = message.tool_calls.map((call) => ({
        name: call.function.name,
        arguments: parseArguments(call.function.arguments),
      }));
    }
    if (message.tool_call_id) chatMessage.toolCallId = message.tool_call_id;
    return chatMessage;
  });
}
