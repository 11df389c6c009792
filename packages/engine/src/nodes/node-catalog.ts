import type { NodeImplementation } from "../runtime/node-implementation.ts";
import { agentNode } from "./agent/agent.node.ts";
import { answerNode } from "./answer/answer.node.ts";
import { codeNode } from "./code/code.node.ts";
import { endNode } from "./end/end.node.ts";
import { httpRequestNode } from "./http-request/http-request.node.ts";
import { ifElseNode } from "./if-else/if-else.node.ts";
import { iterationNode } from "./iteration/iteration.node.ts";
import { knowledgeRetrievalNode } from "./knowledge-retrieval/knowledge-retrieval.node.ts";
import { listOperatorNode } from "./list-operator/list-operator.node.ts";
import { llmNode } from "./llm/llm.node.ts";
import { parameterExtractorNode } from "./parameter-extractor/parameter-extractor.node.ts";
import { questionClassifierNode } from "./question-classifier/question-classifier.node.ts";
import type { NodeType } from "./node-schemas.ts";
import { sqlQueryNode } from "./sql-query/sql-query.node.ts";
import { startNode } from "./start/start.node.ts";
import { summarizeNode } from "./summarize/summarize.node.ts";
import { templateNode } from "./template/template.node.ts";
import { text2sqlNode } from "./text2sql/text2sql.node.ts";
import { toolNode } from "./tool/tool.node.ts";
import { variableAggregatorNode } from "./variable-aggregator/variable-aggregator.node.ts";

/** The server implementation of every node type in node-schemas.ts (the compiler checks none is missing). */
const implementations = {
  start: startNode,
  end: endNode,
  answer: answerNode,
  template: templateNode,
  iteration: iterationNode,
  "if-else": ifElseNode,
  "variable-aggregator": variableAggregatorNode,
  "list-operator": listOperatorNode,
  code: codeNode,
  "http-request": httpRequestNode,
  llm: llmNode,
  "question-classifier": questionClassifierNode,
  "parameter-extractor": parameterExtractorNode,
  agent: agentNode,
  summarize: summarizeNode,
  "knowledge-retrieval": knowledgeRetrievalNode,
  text2sql: text2sqlNode,
  "sql-query": sqlQueryNode,
  tool: toolNode,
} as const satisfies Record<NodeType, NodeImplementation>;

export type NodeCatalog = ReadonlyMap<string, NodeImplementation>;

export const defaultNodeCatalog: NodeCatalog = new Map<string, NodeImplementation>(Object.entries(implementations));
