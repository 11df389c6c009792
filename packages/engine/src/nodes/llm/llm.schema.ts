import { z } from "zod";
import { modelField } from "../../schema/model-field.ts";
import { defineNodeSchema, type OutputDeclaration } from "../../schema/node-schema.ts";
import { templateText } from "../../schema/value-reference.ts";
import { jsonSchemaObjectSchema } from "../shared/validate-json-schema.ts";

export const llmMessageSchema = z.object({
  role: z.enum(["user", "assistant"]),
  /** May embed `{{#nodeId.output#}}` references. */
  text: templateText(),
});

export const llmConfigSchema = z.object({
  model: modelField(),
  /** The system prompt. */
  system: templateText().optional(),
  /** The conversation sent after the system prompt (and the memory): few-shot turns, then the request. */
  messages: z.array(llmMessageSchema).min(1, "add at least one message").max(50),
  /** Chatflows: include the last `window` turns of the conversation (`sys.history`) before the messages. */
  memory: z.object({ enabled: z.boolean().default(false), window: z.number().int().min(1).max(50).default(10) }).optional(),
  /** Ask for JSON matching `schema`; an answer that does not match goes to the next model. */
  structuredOutput: z.object({ enabled: z.boolean().default(false), schema: jsonSchemaObjectSchema.default({ type: "object" }) }).optional(),
  /** Stream the answer as it is generated. */
  stream: z.boolean().default(true),
});
export type LlmConfig = z.infer<typeof llmConfigSchema>;

export const llmSchema = defineNodeSchema({
  type: "llm",
  version: 1,
  title: "LLM",
  description: "Ask a language model, local or cloud, with a prompt built from upstream values.",
  category: "model",
  config: llmConfigSchema,
  outputs: (config) => {
    const outputs: OutputDeclaration[] = [
      { name: "text", type: "string", description: "The answer, without any <think> block." },
      { name: "reasoning", type: "string", description: "What the model wrote inside <think>…</think>, if anything." },
    ];
    if (config.structuredOutput?.enabled) outputs.push({ name: "structured_output", type: "object", description: "The answer parsed as JSON, matching the schema." });
    return outputs;
  },
  pure: false,
});
