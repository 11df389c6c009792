import { z } from "zod";
import type { ChatMessage } from "./model-request.ts";
import { toolDefinitionSchema } from "./tool-definitions.ts";

/** Request bodies of Ollama's native API; unknown fields (keep_alive, think, images…) pass through. */

const messageSchema = z
  .object({
    role: z.string(),
    content: z.string().nullish(),
    tool_calls: z
      .array(z.object({ function: z.object({ name: z.string(), arguments: z.unknown() }).passthrough() }).passthrough())
      .nullish(),
    tool_name: z.string().nullish(),
  })
  .passthrough();

/** `format` is "json" or a JSON schema; either asks for JSON output. */
const formatSchema = z.union([z.string(), z.record(z.unknown())]).nullish();

const optionsSchema = z.object({ num_predict: z.number().int().nullish() }).passthrough().nullish();

export const ollamaChatBodySchema = z
  .object({
    model: z.string(),
    messages: z.array(messageSchema).default([]),
    tools: z.array(toolDefinitionSchema).nullish(),
    format: formatSchema,
    stream: z.boolean().nullish(),
    options: optionsSchema,
  })
  .passthrough();

export const ollamaGenerateBodySchema = z
  .object({
    model: z.string(),
    prompt: z.string().default(""),
    system: z.string().nullish(),
    format: formatSchema,
    stream: z.boolean().nullish(),
    options: optionsSchema,
  })
  .passthrough();

export const ollamaEmbedBodySchema = z
  .object({ model: z.string(), input: z.union([z.string(), z.array(z.string())]) })
  .passthrough();

/** The older `/api/embeddings` body. */
export const ollamaLegacyEmbeddingsBodySchema = z.object({ model: z.string(), prompt: z.string() }).passthrough();

export const ollamaShowBodySchema = z
  .object({ model: z.string().optional(), name: z.string().optional() })
  .passthrough()
  .refine((body) => body.model !== undefined || body.name !== undefined, { message: "model is required" });

export function asksForJson(format: string | Record<string, unknown> | null | undefined): boolean {
  return format === "json" || (typeof format === "object" && format !== null);
}

/** Ollama's `num_predict`; a negative value means no limit. */
export function maxTokensOf(options: { num_predict?: number | null } | null | undefined): number | undefined {
  const limit = options?.num_predict;
  return limit === null || limit === undefined || limit < 0 ? undefined : limit;
}

export function toOllamaChatMessages(messages: z.infer<typeof messageSchema>[]): ChatMessage[] {
  return messages.map((message) => {
    const chatMessage: ChatMessage = { role: message.role, content: message.content ?? "" };
    if (message.tool_calls) {
      chatMessage.toolCalls = message.tool_calls.map((call) => ({ name: call.function.name, arguments: call.function.arguments }));
    }
    return chatMessage;
  });
}
