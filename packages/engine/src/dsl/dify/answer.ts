import { answerSchema } from "../../nodes/answer/answer.schema.ts";
import { asText, type NodeConverter } from "./converter.ts";

export const convertAnswer: NodeConverter = (data) => ({
  type: "answer",
  version: answerSchema.version,
  config: { answer: asText(data.answer) },
});
