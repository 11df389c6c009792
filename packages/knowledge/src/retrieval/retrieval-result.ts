import type { RetrievalSettingsInput, MetadataFilterInput, RetrieverName } from "./retrieval-settings.ts";

/** A query against one or more knowledge bases (of the caller's workspace). */
export interface RetrievalRequest {
  knowledgeBaseIds: readonly string[];
  query: string;
  /** Overrides of the first knowledge base's retrieval defaults. */
  settings?: RetrievalSettingsInput;
  filter?: MetadataFilterInput;
}

/** How one retriever ranked a hit. */
export interface RetrieverScore {
  /** 1-based rank in that retriever's list. */
  rank: number;
  /** Keyword: the raw BM25 score. Vector: cosine similarity. */
  raw: number;
  /** The score normalised to [0, 1] (keyword: raw / best; vector: similarity clamped to [0, 1]). */
  normalized: number;
}

export interface RetrievedChunk {
  chunkId: string;
  knowledgeBaseId: string;
  knowledgeBaseName: string;
  documentId: string;
  documentName: string;
  /** Position of the chunk in its document, from 0. */
  position: number;
  /** The text returned: the chunk's, or in parent-child mode its parent's. */
  text: string;
  /** The matched child chunk's text, in parent-child mode. */
  matchedText?: string;
  /** Final score in [0, 1] (see RetrievalSettings.scoreThreshold). */
  score: number;
  /** The retrievers that found it, best first. */
  retrievers: RetrieverName[];
  scores: { keyword?: RetrieverScore; vector?: RetrieverScore; fused?: number; rerank?: number };
  metadata: { page?: number; heading?: string[]; tags?: string[]; [key: string]: unknown };
}

export interface RetrievalResult {
  hits: RetrievedChunk[];
  /** What ran, for hit testing and traces. */
  trace: {
    mode: "keyword" | "vector" | "hybrid";
    queryTerms: string[];
    candidates: { keyword: number; vector: number };
    reranked: boolean;
    elapsedMs: number;
    /** Models used (embedding, rerank) and their token counts. */
    models: Array<{ purpose: "embedding" | "rerank"; provider: string; model: string; tokensIn: number }>;
  };
}
