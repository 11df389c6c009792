import { judgedQueries, mean, ndcgAt, percentile, recallAt, round, type BeirSet, type Measured } from "../retrieval-scifact/beir.ts";
import { buildProductIndex } from "./product-index.ts";

export interface ProductMeasured {
  keyword: Measured;
  vector: Measured;
  hybrid: Measured;
  ingest_s: number;
  embedding: string;
}

/**
 * Quality and latency of the product's three retrieval modes on a BEIR set: the corpus ingested into a
 * high-quality knowledge base (embedded PGlite, in-process jobs; embeddings from the testkit's hashing
 * embedder through the scripted OpenAI-compatible server, until a real embedding model is reachable),
 * every judged query sent through hit testing with top-k 100. Latency is the whole retrieval: query
 * analysis, the query's embedding over HTTP, SQL, fusion and loading the hits.
 */
export async function evaluateProduct(set: BeirSet, options: { embeddingDimensions?: number; log?: (line: string) => void } = {}): Promise<ProductMeasured> {
  const log = options.log ?? (() => {});
  let lastReport = 0;
  const index = await buildProductIndex(set.corpus, {
    indexMode: "high_quality",
    embeddingDimensions: options.embeddingDimensions ?? 256,
    onProgress(done, total) {
      if (Date.now() - lastReport > 3000) {
        lastReport = Date.now();
        log(`ingested ${done}/${total}`);
      }
    },
  });
  try {
    log(`ingested ${index.documents} documents (${index.chunks} chunks, ${index.failed} failed) in ${round(index.ingestSeconds, 1)} s`);
    const measure = async (mode: "keyword" | "vector" | "hybrid"): Promise<Measured> => {
      const ndcg: number[] = [];
      const recall: number[] = [];
      const latencies: number[] = [];
      for (const { text, relevant } of judgedQueries(set)) {
        const started = performance.now();
        const ranked = await index.search(text, mode, 100);
        latencies.push(performance.now() - started);
        ndcg.push(ndcgAt(ranked, relevant, 10));
        recall.push(recallAt(ranked, relevant, 100));
      }
      const measured = { ndcg10: round(mean(ndcg)), recall100: round(mean(recall)), p50_ms: round(percentile(latencies, 0.5), 3), p99_ms: round(percentile(latencies, 0.99), 3) };
      log(`${mode}: ${JSON.stringify(measured)}`);
      return measured;
    };
    return {
      keyword: await measure("keyword"),
      vector: await measure("vector"),
      hybrid: await measure("hybrid"),
      ingest_s: round(index.ingestSeconds, 1),
      embedding: `testkit hashing embeddings, ${options.embeddingDimensions ?? 256} dimensions`,
    };
  } finally {
    await index.close();
  }
}
