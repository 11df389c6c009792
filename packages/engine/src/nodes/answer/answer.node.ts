import { defineNode } from "../../runtime/node-implementation.ts";
import { answerSchema } from "./answer.schema.ts";

export const answerNode = defineNode(answerSchema, (config, context) => {
  const answer = context.render(config.answer);
  if (answer.length > 0) context.emitDelta(answer);
  return { outputs: { answer } };
});
