import { questionClassifierSchema } from "../../nodes/question-classifier/question-classifier.schema.ts";
import { asList, asRecord, asSelector, asText, type NodeConverter } from "./converter.ts";
import { convertModelSelection, reportModelNodeExtras } from "./model-selection.ts";

/**
 * Dify's question classifier. Class ids are kept as they are: Dify's edges leave from the class id
 * (`sourceHandle`), and so do Tandem's.
 */
export const convertQuestionClassifier: NodeConverter = (data, context) => {
  reportModelNodeExtras(data, context);
  if (data.memory !== undefined && data.memory !== null) {
    context.report(["memory"], "Conversation memory is not used by the question classifier in Tandem; it classifies the query alone.", "warning");
  }
  const classes = asList(data.classes).map((item) => {
    const entry = asRecord(item);
    return { id: asText(entry.id), name: asText(entry.name ?? entry.label) };
  });
  const instruction = asText(data.instruction ?? data.instructions);
  return {
    type: "question-classifier",
    version: questionClassifierSchema.version,
    config: {
      model: convertModelSelection(data.model, context),
      query: asSelector(data.query_variable_selector),
      classes,
      ...(instruction === "" ? {} : { instruction }),
    },
  };
};
