import { valueToText } from "../../schema/value-reference.ts";
import { defineNode } from "../../runtime/node-implementation.ts";
import { buildClassifierMessages, classifierResponseSchema, findAnsweredClass } from "./classify-answer.ts";
import { questionClassifierSchema } from "./question-classifier.schema.ts";

/**
 * Asks the model for one class id. An answer naming no class fails `validate`, so the gateway tries
 * the next model; when every model fails, the gateway's error fails the node (its error strategy,
 * e.g. a fail branch or a default class, decides what happens next).
 */
export const questionClassifierNode = defineNode(questionClassifierSchema, async (config, context) => {
  const query = valueToText(context.resolve(config.query));
  const instruction = config.instruction === undefined ? "" : context.render(config.instruction).trim();
  const messages = buildClassifierMessages(config.classes, query, instruction);
  const ids = config.classes.map((questionClass) => questionClass.id).join(", ");
  const result = await context.services.models.chat({
    selection: config.model,
    messages,
    responseFormat: { type: "json", schema: classifierResponseSchema(config.classes) },
    validate: (answer) => (findAnsweredClass(answer.text, config.classes) ? null : `the answer names none of the classes (${ids})`),
    signal: context.signal,
    private: context.private,
  });
  const chosen = findAnsweredClass(result.text, config.classes);
  if (!chosen) throw new Error(`The model's answer names none of the classes (${ids}): ${result.text.slice(0, 200)}`);
  return {
    outputs: { class_name: chosen.name, class_id: chosen.id },
    branch: chosen.id,
    inputs: { query, answer: result.text },
    usage: result.usage,
  };
});
