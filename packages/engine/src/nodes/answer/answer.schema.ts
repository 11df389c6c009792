import { z } from "zod";
import { defineNodeSchema } from "../../schema/node-schema.ts";
import { templateText } from "../../schema/value-reference.ts";

export const answerConfigSchema = z.object({
  /** The reply, with `{{#nodeId.output#}}` references. */
  answer: templateText({ maxLength: 100_000 }),
});

export const answerSchema = defineNodeSchema({
  type: "answer",
  version: 1,
  title: "Answer",
  description: "Stream a reply to the chat.",
  category: "io",
  config: answerConfigSchema,
  outputs: () => [{ name: "answer", type: "string" }],
  pure: true,
  kinds: ["chatflow"],
});
