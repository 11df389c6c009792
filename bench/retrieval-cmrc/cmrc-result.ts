import type { Measured } from "../retrieval-scifact/beir.ts";
import type { ProductMeasured } from "../shared/evaluate-product.ts";

/** One analyzer's figures with the in-memory engine; index_ms covers analysis and indexing of the corpus. */
export interface AnalyzerMeasured extends Measured {
  index_ms: number;
}

/**
 * The benchmark's last line. `keyword`, `vector` and `hybrid` are the product path (upload, ingestion
 * jobs, hit testing on embedded PGlite; hashing embeddings) when it ran, else `keyword` is the
 * in-memory BM25 over Tandem's analyzer (`analyzers.tandem`, the same scores). `baseline_unigram` is
 * the character-unigram floor, `analyzers` every segmentation measured in memory.
 */
export interface CmrcResult {
  bench: "retrieval-cmrc";
  documents: number;
  queries: number;
  keyword: Measured;
  vector?: Measured;
  hybrid?: Measured;
  ingest_s?: number;
  embedding?: string;
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
  product?: ProductMeasured | undefined;
}): CmrcResult {
  const { ndcg10, recall100, p50_ms, p99_ms } = input.keyword;
  return {
    bench: "retrieval-cmrc",
    documents: input.documents,
    queries: input.queries,
    ...(input.product ? input.product : { keyword: { ndcg10, recall100, p50_ms, p99_ms } }),
    baseline_unigram: { ndcg10: input.unigram.ndcg10, recall100: input.unigram.recall100 },
    segmenter_load_ms: input.segmenterLoadMs,
    analyzers: input.analyzers,
  };
}
