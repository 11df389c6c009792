/**
 * `npm run bench -- retrieval-scifact [--data DIR] [--engine memory|product|both] [--dimensions N]`
 * Retrieval quality and latency on a BEIR set (default: SciFact from the shared data, 5,183 abstracts,
 * 300 judged claims). Tandem's analyzer (NLTK's English stopwords, possessives stripped, Porter
 * stemming) over title + text, BM25 with Pyserini's BEIR parameters (k1 0.9, b 0.4) and Lucene's idf.
 * - `keyword`, `vector`, `hybrid`: the product path. The corpus is uploaded as files into a high-quality
 *   knowledge base on embedded PGlite, ingested by the ingest-documents jobs, and every query goes through
 *   hit testing (BM25 in SQL; HNSW cosine search; reciprocal-rank fusion). Embeddings are the testkit's
 *   hashing embeddings until a real embedding model is reachable here, so `vector` and `hybrid` measure
 *   the machinery, not a model.
 * - `keyword_memory`: the in-memory BM25 reference over the same terms (the SQL scores equal it to 1e-9).
 * Published BM25 nDCG@10 on SciFact: 0.665 (BEIR), 0.679 (Pyserini flat). The last line is the JSON result.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { analyze, createBm25Index } from "@tandem/knowledge";
import { evaluateProduct, type ProductMeasured } from "../shared/evaluate-product.ts";
import { evaluate, judgedQueries, type Measured, readBeir } from "./beir.ts";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: path.join("..", "shared", "data", "retrieval", "scifact") },
    engine: { type: "string", default: "both" },
    dimensions: { type: "string", default: "256" },
  },
});
const engine = values.engine ?? "both";
if (!["memory", "product", "both"].includes(engine)) throw new Error(`--engine must be memory, product or both, not ${engine}`);
const set = await readBeir(path.resolve(values.data ?? ""));
const analyzeQuery = (text: string) => analyze(text, { language: "en" });

const result: { bench: string; documents: number; queries: number; keyword_memory?: Measured } & Partial<ProductMeasured> = {
  bench: "retrieval-scifact",
  documents: set.corpus.length,
  queries: judgedQueries(set).length,
};

if (engine !== "product") {
  const index = createBm25Index();
  for (const doc of set.corpus) index.add(doc.id, analyzeQuery(`${doc.title}\n${doc.text}`));
  result.keyword_memory = await evaluate(set, analyzeQuery, (terms, limit) => index.search(terms, limit).map((hit) => hit.id));
  console.error(`in-memory BM25: ${JSON.stringify(result.keyword_memory)}`);
}
if (engine !== "memory") {
  Object.assign(result, await evaluateProduct(set, { embeddingDimensions: Number(values.dimensions), log: (line) => console.error(line) }));
}
console.log(JSON.stringify(result));
