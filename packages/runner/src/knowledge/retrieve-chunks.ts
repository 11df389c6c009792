import { keywordSearch, loadChunkDetails, vectorSearch, type ChunkDetails, type PrismaClient } from "@tandem/db";
import type { KnowledgeRetriever, ModelGateway } from "@tandem/engine";
import {
  analyze,
  candidateCount,
  fuseRankings,
  metadataFilterSchema,
  retrievalSettingsSchema,
  type FusedHit,
  type MetadataFilter,
  type RankedList,
  type RetrievalRequest,
  type RetrievalResult,
  type RetrievalSettings,
  type RetrievedChunk,
} from "@tandem/knowledge";
import { z } from "zod";
import { readKnowledgeBaseSettings } from "./knowledge-base-settings.ts";
import { KnowledgeError } from "./knowledge-error.ts";

export interface KnowledgeRetrieverOptions {
  prisma: PrismaClient;
  /** The workspace's model gateway: embeds queries and reranks. */
  models: ModelGateway;
  workspaceId: string;
}

const MAX_QUERY_CHARS = 8_000;
const uuid = z.string().uuid();

function issuesOf(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "value"}: ${issue.message}`).join("; ");
}

/** Cross-encoders answer in [0, 1] (Cohere, Jina) or as logits (llama.cpp, TEI raw): logits go through a sigmoid. */
function toUnitInterval(scores: readonly number[]): number[] {
  const bounded = scores.every((score) => score >= 0 && score <= 1);
  return bounded ? [...scores] : scores.map((score) => 1 / (1 + Math.exp(-score)));
}

/**
 * Retrieval over a workspace's knowledge bases: keyword (BM25 over all the knowledge bases at once),
 * vector (per knowledge base, the query embedded once per embedding model), hybrid (both, fused by
 * reciprocal rank or weights), then an optional rerank, the score threshold and top-k. Parent-child
 * hits return their parent, once per parent. Each hit says which retrievers found it and how each
 * ranked it, which is what hit testing shows.
 */
export function createKnowledgeRetriever(options: KnowledgeRetrieverOptions): KnowledgeRetriever & {
  retrieve(request: RetrievalRequest & { signal: AbortSignal; private: boolean }): Promise<RetrievalResult>;
} {
  const { prisma, models, workspaceId } = options;

  async function loadKnowledgeBases(ids: readonly string[]) {
    const unique = [...new Set(ids)];
    const invalid = unique.filter((id) => !uuid.safeParse(id).success);
    const rows = await prisma.knowledgeBase.findMany({ where: { workspaceId, id: { in: unique.filter((id) => !invalid.includes(id)) } } });
    const found = new Set(rows.map((row) => row.id));
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new KnowledgeError("not_found", `Knowledge base${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ${missing.length > 1 ? "do" : "does"} not exist in this workspace.`);
    }
    // Keep the caller's order: the first knowledge base's defaults apply.
    return unique.map((id) => rows.find((row) => row.id === id) as (typeof rows)[number]);
  }

  return {
    async describe(ids) {
      const rows = await prisma.knowledgeBase.findMany({ where: { workspaceId, id: { in: ids.filter((id) => uuid.safeParse(id).success) } }, select: { id: true, name: true, indexMode: true } });
      return new Map(rows.map((row) => [row.id, { name: row.name, indexMode: row.indexMode }]));
    },

    async retrieve(request) {
      const started = performance.now();
      const query = typeof request.query === "string" ? request.query.trim() : "";
      if (query === "") throw new KnowledgeError("invalid_query", "The query is empty: give a question or keywords to search for.");
      if (query.length > MAX_QUERY_CHARS) throw new KnowledgeError("invalid_query", `The query has ${query.length} characters; the limit is ${MAX_QUERY_CHARS}.`);
      if (request.knowledgeBaseIds.length === 0) throw new KnowledgeError("invalid_query", "Choose at least one knowledge base to search.");
      const knowledgeBases = await loadKnowledgeBases(request.knowledgeBaseIds);
      const first = readKnowledgeBaseSettings(knowledgeBases[0] as (typeof knowledgeBases)[number]);
      // Overrides left undefined keep the knowledge base's default (a spread would erase it).
      const overrides = Object.fromEntries(Object.entries(request.settings ?? {}).filter(([, value]) => value !== undefined));
      const parsedSettings = retrievalSettingsSchema.safeParse({ ...first.retrieval, ...overrides });
      if (!parsedSettings.success) throw new KnowledgeError("invalid_query", `Invalid retrieval settings: ${issuesOf(parsedSettings.error)}`);
      const settings: RetrievalSettings = parsedSettings.data;
      const parsedFilter = metadataFilterSchema.safeParse(request.filter ?? { conditions: [] });
      if (!parsedFilter.success) throw new KnowledgeError("invalid_query", `Invalid metadata filter: ${issuesOf(parsedFilter.error)}`);
      const filter: MetadataFilter = parsedFilter.data;
      const isPrivate = request.private || knowledgeBases.some((row) => row.private);
      // Candidates beyond top-k only matter when lists are fused or reranked; a single list needs top-k
      // (three times that when parent-child chunks may collapse onto one parent), unless asked otherwise.
      const parentChild = knowledgeBases.some((row) => readKnowledgeBaseSettings(row).chunking.mode === "parent-child");
      const singleList = settings.mode !== "hybrid" && settings.rerank === null && settings.candidates === undefined;
      const candidates = singleList ? settings.topK * (parentChild ? 3 : 1) : candidateCount(settings);
      const trace: RetrievalResult["trace"] = { mode: settings.mode, queryTerms: [], candidates: { keyword: 0, vector: 0 }, reranked: false, elapsedMs: 0, models: [] };

      const withEmbeddings = knowledgeBases.filter((row) => row.indexMode === "high_quality" && row.embeddingModel);
      if (settings.mode === "vector" && withEmbeddings.length < knowledgeBases.length) {
        const names = knowledgeBases.filter((row) => !withEmbeddings.includes(row)).map((row) => `"${row.name}"`);
        throw new KnowledgeError(
          "vector_unavailable",
          `${names.join(", ")} ${names.length > 1 ? "are" : "is"} indexed for keyword search only: vector retrieval needs high-quality mode with an embedding model. Use keyword or hybrid retrieval, or change the knowledge base's index mode.`,
        );
      }

      const lists: RankedList[] = [];
      if (settings.mode !== "vector") {
        trace.queryTerms = analyze(query);
        const hits = await keywordSearch(prisma, { knowledgeBaseIds: knowledgeBases.map((row) => row.id), terms: trace.queryTerms, limit: candidates, filter });
        lists.push({ retriever: "keyword", hits: hits.map((hit) => ({ id: hit.chunkId, score: hit.score })) });
        trace.candidates.keyword = hits.length;
      }
      if (settings.mode !== "keyword" && withEmbeddings.length > 0) {
        const byModel = new Map<string, typeof withEmbeddings>();
        for (const row of withEmbeddings) byModel.set(row.embeddingModel as string, [...(byModel.get(row.embeddingModel as string) ?? []), row]);
        const vectorHits: Array<{ id: string; score: number }> = [];
        for (const [model, rows] of byModel) {
          let embedded;
          try {
            embedded = await models.embed({ model, texts: [query], signal: request.signal, private: isPrivate });
          } catch (error) {
            throw new KnowledgeError("embedding_failed", `The query could not be embedded with ${model}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
          }
          trace.models.push({ purpose: "embedding", provider: embedded.usage.model.provider, model: embedded.usage.model.model, tokensIn: embedded.usage.tokensIn });
          const vector = embedded.vectors[0] ?? [];
          for (const row of rows) {
            // Nothing embedded yet (ingestion still running): nothing to find.
            if (row.embeddingDimensions === null) continue;
            if (row.embeddingDimensions !== vector.length) {
              throw new KnowledgeError(
                "embedding_failed",
                `${model} returned a ${vector.length}-dimensional query vector, but "${row.name}" holds ${row.embeddingDimensions}-dimensional embeddings. Re-index the knowledge base with its current model.`,
              );
            }
            const hits = await vectorSearch(prisma, { knowledgeBaseId: row.id, dimensions: row.embeddingDimensions, vector, limit: candidates, filter });
            vectorHits.push(...hits.map((hit) => ({ id: hit.chunkId, score: hit.similarity })));
          }
        }
        vectorHits.sort((left, right) => right.score - left.score);
        lists.push({ retriever: "vector", hits: vectorHits.slice(0, candidates) });
        trace.candidates.vector = Math.min(vectorHits.length, candidates);
      }

      // Details (text, document, parent) are loaded for the best hits only, a window at a time, until
      // enough distinct hits (one per parent) are known for top-k or the rerank pool.
      const needed = settings.rerank ? (settings.rerank.candidates ?? Math.min(100, settings.topK * 4)) : settings.topK;
      const ranked = fuseRankings(lists, settings.fusion);
      const details = new Map<string, ChunkDetails>();
      let fused: FusedHit[] = [];
      for (let loaded = 0; loaded < ranked.length && fused.length < needed; ) {
        const window = ranked.slice(loaded, loaded + Math.max(20, 2 * (needed - fused.length)));
        for (const [id, detail] of await loadChunkDetails(prisma, workspaceId, window.map((hit) => hit.id))) details.set(id, detail);
        loaded += window.length;
        fused = dedupeParents(ranked.slice(0, loaded), details).filter((hit) => details.has(hit.id));
      }

      let rerankScores: Map<string, number> | null = null;
      if (settings.rerank) {
        if (!models.rerank) throw new KnowledgeError("rerank_failed", "Reranking is not available: no model gateway with rerank support is configured.");
        const pool = fused.slice(0, Math.min(settings.rerank.candidates ?? Math.min(100, settings.topK * 4), fused.length));
        if (pool.length > 0) {
          let reranked;
          try {
            reranked = await models.rerank({
              model: settings.rerank.model,
              query,
              documents: pool.map((hit) => textOf(details.get(hit.id))),
              signal: request.signal,
              private: isPrivate,
            });
          } catch (error) {
            throw new KnowledgeError("rerank_failed", `Reranking with ${settings.rerank.model} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
          }
          trace.models.push({ purpose: "rerank", provider: reranked.usage.model.provider, model: reranked.usage.model.model, tokensIn: reranked.usage.tokensIn });
          const unit = toUnitInterval(reranked.scores);
          rerankScores = new Map(pool.map((hit, index) => [hit.id, unit[index] ?? 0]));
          fused = [...pool].sort((left, right) => (rerankScores?.get(right.id) ?? 0) - (rerankScores?.get(left.id) ?? 0));
          trace.reranked = true;
        }
      }

      const hits: RetrievedChunk[] = [];
      for (const hit of fused) {
        const score = rerankScores?.get(hit.id) ?? hit.score;
        if (settings.scoreThreshold !== null && score < settings.scoreThreshold) continue;
        const chunk = details.get(hit.id);
        if (!chunk) continue;
        hits.push(toRetrievedChunk(hit, chunk, score, rerankScores?.get(hit.id), lists.length > 1));
        if (hits.length >= settings.topK) break;
      }
      trace.elapsedMs = Math.round((performance.now() - started) * 100) / 100;
      return { hits, trace };
    },
  };
}

function textOf(chunk: ChunkDetails | undefined): string {
  return chunk?.parent?.text ?? chunk?.text ?? "";
}

/** Parent-child mode: several children of one parent would return the same text; the best stays. */
function dedupeParents(hits: readonly FusedHit[], details: ReadonlyMap<string, ChunkDetails>): FusedHit[] {
  const seen = new Set<string>();
  return hits.filter((hit) => {
    const parent = details.get(hit.id)?.parent?.chunkId;
    if (parent === undefined) return true;
    if (seen.has(parent)) return false;
    seen.add(parent);
    return true;
  });
}

function toRetrievedChunk(hit: FusedHit, chunk: ChunkDetails, score: number, rerank: number | undefined, fusedLists: boolean): RetrievedChunk {
  const scores: RetrievedChunk["scores"] = {};
  for (const retriever of hit.retrievers) {
    scores[retriever] = { rank: hit.ranks[retriever] ?? 0, raw: hit.raw[retriever] ?? 0, normalized: hit.normalized[retriever] ?? 0 };
  }
  if (fusedLists) scores.fused = hit.score;
  if (rerank !== undefined) scores.rerank = rerank;
  const source = chunk.parent ?? chunk;
  const page = typeof source.metadata.page === "number" ? source.metadata.page : undefined;
  const heading = Array.isArray(source.metadata.heading) ? source.metadata.heading.filter((part): part is string => typeof part === "string") : undefined;
  return {
    chunkId: chunk.chunkId,
    knowledgeBaseId: chunk.knowledgeBaseId,
    knowledgeBaseName: chunk.knowledgeBaseName,
    documentId: chunk.documentId,
    documentName: chunk.documentName,
    position: chunk.parent?.position ?? chunk.position,
    text: source.text,
    ...(chunk.parent ? { matchedText: chunk.text } : {}),
    score,
    retrievers: [...hit.retrievers],
    scores,
    metadata: {
      ...chunk.documentMetadata,
      ...(page === undefined ? {} : { page }),
      ...(heading === undefined ? {} : { heading }),
      tags: chunk.tags,
    },
  };
}
