import type { NodeSchema } from "../schema/node-schema.ts";
import { agentSchema } from "./agent/agent.schema.ts";
import { answerSchema } from "./answer/answer.schema.ts";
import { codeSchema } from "./code/code.schema.ts";
import { endSchema } from "./end/end.schema.ts";
import { httpRequestSchema } from "./http-request/http-request.schema.ts";
import { ifElseSchema } from "./if-else/if-else.schema.ts";
import { iterationSchema } from "./iteration/iteration.schema.ts";
import { knowledgeRetrievalSchema } from "./knowledge-retrieval/knowledge-retrieval.schema.ts";
import { listOperatorSchema } from "./list-operator/list-operator.schema.ts";
import { llmSchema } from "./llm/llm.schema.ts";
import { parameterExtractorSchema } from "./parameter-extractor/parameter-extractor.schema.ts";
import { questionClassifierSchema } from "./question-classifier/question-classifier.schema.ts";
import { sqlQuerySchema } from "./sql-query/sql-query.schema.ts";
import { startSchema } from "./start/start.schema.ts";
import { summarizeSchema } from "./summarize/summarize.schema.ts";
import { templateSchema } from "./template/template.schema.ts";
import { text2sqlSchema } from "./text2sql/text2sql.schema.ts";
import { toolSchema } from "./tool/tool.schema.ts";
import { variableAggregatorSchema } from "./variable-aggregator/variable-aggregator.schema.ts";

/**
 * Every node type's browser-safe schema: one line per type. The server catalog (node-catalog.ts) must
 * have an implementation for each; the compiler enforces it.
 */
export const nodeSchemas = {
  start: startSchema,
  end: endSchema,
  answer: answerSchema,
  template: templateSchema,
  iteration: iterationSchema,
  "if-else": ifElseSchema,
  "variable-aggregator": variableAggregatorSchema,
  "list-operator": listOperatorSchema,
  code: codeSchema,
  "http-request": httpRequestSchema,
  llm: llmSchema,
  "question-classifier": questionClassifierSchema,
  "parameter-extractor": parameterExtractorSchema,
  agent: agentSchema,
  summarize: summarizeSchema,
  "knowledge-retrieval": knowledgeRetrievalSchema,
  text2sql: text2sqlSchema,
  "sql-query": sqlQuerySchema,
  tool: toolSchema,
} as const satisfies Record<string, NodeSchema>;

export type NodeType = keyof typeof nodeSchemas;

export type NodeSchemaRegistry = ReadonlyMap<string, NodeSchema>;

export const defaultNodeSchemaRegistry: NodeSchemaRegistry = new Map(Object.entries(nodeSchemas));
