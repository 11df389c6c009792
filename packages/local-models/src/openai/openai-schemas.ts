import { z } from "zod";

/**
 * The parts of OpenAI's request bodies this server understands. Unknown fields are ignored, as
 * OpenAI-compatible servers do, so clients that send extra options (user, metadata…) still work.
 */

const textPart = z.object({ type: z.literal("text"), text: z.string() });
const contentPart = z.union([textPart, z.object({ type: z.string() }).passthrough()]);

export const chatMessageSchema = z.object({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
});

const stopSchema = z.union([z.string(), z.array(z.string()).max(4)]).nullable().optional();
const streamOptionsSchema = z.object({ include_usage: z.boolean().optional() }).nullable().optional();
const maxTokensSchema = z.number().int().positive().nullable().optional();

const samplingSchema = {
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  stop: stopSchema,
  stream: z.boolean().nullable().optional(),
  stream_options: streamOptionsSchema,
  n: z.literal(1, { errorMap: () => ({ message: "Only n = 1 is supported." }) }).nullable().optional(),
};

export const chatCompletionRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(chatMessageSchema).min(1),
  max_tokens: maxTokensSchema,
  max_completion_tokens: maxTokensSchema,
  ...samplingSchema,
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
export type ChatCompletionRequestMessage = z.infer<typeof chatMessageSchema>;

export const completionRequestSchema = z.object({
  model: z.string().min(1),
  prompt: z.union([z.string(), z.array(z.string()).min(1)]),
  max_tokens: maxTokensSchema,
  ...samplingSchema,
});
export type CompletionRequest = z.infer<typeof completionRequestSchema>;

export const embeddingRequestSchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1)], {
    errorMap: () => ({ message: "input must be a string or an array of strings (token arrays are not supported)." }),
  }),
  encoding_format: z.enum(["float", "base64"]).optional(),
  dimensions: z.number().int().positive().optional(),
});
export type EmbeddingRequest = z.infer<typeof embeddingRequestSchema>;
