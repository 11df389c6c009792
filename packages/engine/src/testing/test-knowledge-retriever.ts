import type { MetadataFilterInput, RetrievalRequest, RetrievalResult, RetrievedChunk } from "@tandem/knowledge/retrieval";
import type { KnowledgeRetriever } from "../ports/knowledge-retriever.ts";

export type TestRetrievalRequest = RetrievalRequest & { private: boolean };

/**
 * A small KnowledgeRetriever for engine tests (the real one, over Postgres, is tested by the
 * integration tests): scores chunks by the share of query words they contain, honours knowledge base
 * ids, topK, the score threshold and simple metadata filters, names the rerank model in its trace, and
 * records every request. An unknown knowledge base id fails as the real one does.
 */
export function createTestKnowledgeRetriever(chunks: readonly RetrievedChunk[]): KnowledgeRetriever & { requests: TestRetrievalRequest[] } {
  const requests: TestRetrievalRequest[] = [];
  const known = new Set(chunks.map((chunk) => chunk.knowledgeBaseId));
  return {
    requests,
    retrieve: ({ signal, ...request }) => {
      requests.push(request);
      signal.throwIfAborted();
      const missing = request.knowledgeBaseIds.find((id) => !known.has(id));
      if (missing) return Promise.reject(new Error(`Knowledge base ${missing} was not found in this workspace.`));
      const words = request.query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
      const topK = request.settings?.topK ?? 5;
      const threshold = request.settings?.scoreThreshold ?? 0;
      const hits = chunks
        .filter((chunk) => request.knowledgeBaseIds.includes(chunk.knowledgeBaseId) && passes(chunk, request.filter))
        .map((chunk) => {
          const text = (chunk.matchedText ?? chunk.text).toLowerCase();
          return { ...chunk, score: words.length === 0 ? 0 : words.filter((word) => text.includes(word)).length / words.length };
        })
        .filter((chunk) => chunk.score > 0 && chunk.score >= threshold)
        .sort((left, right) => right.score - left.score)
        .slice(0, topK);
      const rerank = request.settings?.rerank?.model;
      const models: RetrievalResult["trace"]["models"] = [];
      if (rerank) {
        const [provider = "", ...name] = rerank.split(":");
        models.push({ purpose: "rerank", provider, model: name.join(":"), tokensIn: hits.reduce((sum, hit) => sum + Math.ceil(hit.text.length / 4), 0) });
      }
      const trace = { mode: request.settings?.mode ?? "keyword", queryTerms: words, candidates: { keyword: hits.length, vector: 0 }, reranked: rerank !== undefined, elapsedMs: 1, models };
      return Promise.resolve({ hits, trace });
    },
  };
}

/** Only the operators the tests use; anything else passes. */
function passes(chunk: RetrievedChunk, filter: RetrievalRequest["filter"]): boolean {
  if (!filter || filter.conditions.length === 0) return true;
  const results = filter.conditions.map((condition) => holds(chunk, condition));
  return filter.logic === "or" ? results.some(Boolean) : results.every(Boolean);
}

function holds(chunk: RetrievedChunk, condition: MetadataFilterInput["conditions"][number]): boolean {
  const actual = condition.field === "document_name" ? chunk.documentName : chunk.metadata[condition.field];
  switch (condition.operator) {
    case "eq":
      return actual === condition.value;
    case "ne":
      return actual !== condition.value;
    case "gt":
      return typeof actual === "number" && typeof condition.value === "number" && actual > condition.value;
    case "in":
      return Array.isArray(condition.value) && condition.value.some((value) => value === actual);
    default:
      return true;
  }
}
