import { convertAnswer } from "./answer.ts";
import { convertCode } from "./code.ts";
import type { NodeConverter } from "./converter.ts";
import { convertEnd } from "./end.ts";
import { convertHttpRequest } from "./http-request.ts";
import { convertIfElse } from "./if-else.ts";
import { convertIteration } from "./iteration.ts";
import { convertKnowledgeRetrieval } from "./knowledge-retrieval.ts";
import { convertListOperator } from "./list-operator.ts";
import { convertLlm } from "./llm.ts";
import { convertParameterExtractor } from "./parameter-extractor.ts";
import { convertQuestionClassifier } from "./question-classifier.ts";
import { convertStart } from "./start.ts";
import { convertTemplateTransform } from "./template-transform.ts";
import { convertTool } from "./tool.ts";
import { convertVariableAggregator } from "./variable-aggregator.ts";

/**
 * One converter per Dify node type (`data.type`), one file each in this folder. A type missing here is
 * imported as is and reported as unsupported (unsupported.ts); supporting it is one file and one line.
 */
export const difyNodeConverters: Readonly<Record<string, NodeConverter>> = {
  start: convertStart,
  end: convertEnd,
  answer: convertAnswer,
  "template-transform": convertTemplateTransform,
  "if-else": convertIfElse,
  code: convertCode,
  "http-request": convertHttpRequest,
  "variable-aggregator": convertVariableAggregator,
  // The aggregator's name before Dify renamed it; same data.
  "variable-assigner": convertVariableAggregator,
  "list-operator": convertListOperator,
  iteration: convertIteration,
  llm: convertLlm,
  "question-classifier": convertQuestionClassifier,
  "parameter-extractor": convertParameterExtractor,
  "knowledge-retrieval": convertKnowledgeRetrieval,
  tool: convertTool,
};

/** Dify's container start nodes: dropped on import, their targets become the container's entry nodes. */
export const DIFY_CONTAINER_STARTS: ReadonlySet<string> = new Set(["iteration-start", "loop-start"]);
