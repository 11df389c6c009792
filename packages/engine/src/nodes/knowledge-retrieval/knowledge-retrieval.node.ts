import type { RetrievalResult } from "@tandem/knowledge/retrieval";
import type { NodeUsage } from "../../ports/node-usage.ts";
import { defineNode } from "../../runtime/node-implementation.ts";
import { valueToText } from "../../schema/value-reference.ts";
import { formatRetrievalOutputs } from "./format-retrieval-outputs.ts";
import { knowledgeRetrievalSchema } from "./knowledge-retrieval.schema.ts";
import { renderFilter } from "./render-filter.ts";

/**
 * Searches the workspace's knowledge bases through the `knowledge` port (which merges, fuses and
 * reranks) and shapes the hits for what comes next: Dify-compatible `result`, a prompt-ready `context`
 * with [n] markers, and the `citations` those markers point at. Retriever errors (unknown knowledge
 * base, a vector search on a keyword-only base, a refused cloud model) fail the node with their message;
 * the node's error strategy decides what follows.
 */
export const knowledgeRetrievalNode = defineNode(knowledgeRetrievalSchema, async (config, context) => {
  const knowledge = context.services.knowledge;
  if (!knowledge) {
    throw new Error("Knowledge retrieval is not available in this run: no knowledge service was set up (knowledge bases live in a Tandem workspace).");
  }
  const query = valueToText(context.resolve(config.query)).trim();
  if (query === "") {
    throw new Error(`Knowledge retrieval needs a question to search for, but ${config.query.join(".")} is empty.`);
  }
  const filter = renderFilter(config.filter, (selector) => context.resolve(selector), (text) => context.render(text));
  const inputs = { query, knowledgeBaseIds: config.knowledgeBaseIds, settings: config.settings, ...(filter ? { filter } : {}) };
  const retrieved = await knowledge.retrieve({ ...inputs, signal: context.signal, private: context.private });
  const outputs = formatRetrievalOutputs(retrieved.hits, {
    maxTokens: config.contextTokens,
    countTokens: (text) => context.services.models.countTokens(text),
  });
  const usage = retrievalUsage(retrieved.trace);
  return { outputs: { ...outputs }, inputs, ...(usage ? { usage } : {}) };
});

/**
 * The embedding and rerank models' tokens, summed; the model named is the reranker when there was
 * one (it decided the order), else the embedding model.
 */
function retrievalUsage(trace: RetrievalResult["trace"]): NodeUsage | undefined {
  if (trace.models.length === 0) return undefined;
  const named = trace.models.find((model) => model.purpose === "rerank") ?? trace.models[0];
  const tokensIn = trace.models.reduce((sum, model) => sum + model.tokensIn, 0);
  return { tokensIn, tokensOut: 0, ...(named ? { model: { provider: named.provider, model: named.model } } : {}) };
}
