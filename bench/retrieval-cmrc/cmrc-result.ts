import type { Measured } from "../retrieval-scifact/beir.ts";

/** One analyzer's figures with the in-memory engine; index_ms covers analysis and indexing of the corpus. */
export interface AnalyzerMeasured extends Measured {
  index_ms: number;
}

/**
 * The benchmark's last line. `keyword` is the in-memory BM25 over Tandem's analyzer, `baseline_unigram`
 * the character-unigram floor, `analyzers` every segmentation measured. Further engines (vector, hybrid,
 * the SQL path) are meant to arrive as further optional sections here and in `buildCmrcResult`.
 */
export interface CmrcResult {
  bench: "retrieval-cmrc";
  documents: number;
  queries: number;
  keyword: Measured;
  baseline_unigram: Pick<Measured, "ndcg10" | "recall100">;
  segmenter_load_ms: number;
  analyzers: Record<string, AnalyzerMeasured>;
}

export function buildCmrcResult(input: {
  documents: number;
  queries: number;
  keyword: Measured;
  unigram: Measured;
  segmenterLoadMs: number;
  analyzers: Record<string, AnalyzerMeasured>;
}): CmrcResult {
  const { ndcg10, recall100, p50_ms, p99_ms } = input.keyword;
  return {
    bench: "retrieval-cmrc",
    documents: input.documents,
    queries: input.queries,
    keyword: { ndcg10, recall100, p50_ms, p99_ms },
    baseline_unigram: { ndcg10: input.unigram.ndcg10, recall100: input.unigram.recall100 },
    segmenter_load_ms: input.segmenterLoadMs,
    analyzers: input.analyzers,
  };
}
