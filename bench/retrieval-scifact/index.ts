/**
 * `npm run bench -- retrieval-scifact [--data DIR] [--engine memory|sql|both]`
 * Keyword retrieval quality and latency on a BEIR set (default: SciFact from the shared data): Tandem's
 * analyzer (NLTK's 127 English stopwords, possessives stripped, Porter stemming) over title + text, and
 * BM25 with Pyserini's BEIR parameters (k1 0.9, b 0.4) and Lucene's idf. Two engines score the same
 * terms: the in-memory reference (`createBm25Index`) and the product's SQL path (`keywordSearch` over
 * `chunk_terms` on embedded PGlite, one chunk per document). Published BM25 nDCG@10 on SciFact: 0.665
 * (BEIR), 0.679 (Pyserini flat). The last line is the JSON result; `keyword` is the in-memory engine
 * (the SQL engine's scores are the same to 1e-9, so its quality figures match; its latency is the database's).
 * Vector and hybrid retrieval arrive with the knowledge-base issue and will be added here.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { analyze, createBm25Index } from "@tandem/knowledge";
import { ndcgAt, readBeir, recallAt } from "./beir.ts";
import { createSqlKeywordIndex } from "./sql-keyword.ts";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: path.join("..", "shared", "data", "retrieval", "scifact") },
    engine: { type: "string", default: "both" },
  },
});
const engine = values.engine ?? "both";
if (!["memory", "sql", "both"].includes(engine)) throw new Error(`--engine must be memory, sql or both, not ${engine}`);
const set = await readBeir(path.resolve(values.data ?? ""));
const documents = set.corpus.map((doc) => {
  const text = `${doc.title}\n${doc.text}`;
  return { id: doc.id, text, terms: analyze(text, { language: "en" }) };
});

interface Measured {
  ndcg10: number;
  recall100: number;
  p50_ms: number;
  p99_ms: number;
}

const mean = (samples: number[]) => samples.reduce((sum, value) => sum + value, 0) / samples.length;
const percentile = (samples: number[], fraction: number) =>
  [...samples].sort((left, right) => left - right)[Math.min(samples.length - 1, Math.floor(fraction * samples.length))] ?? Number.NaN;
const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Runs every judged query (analysis included in the latency) and averages nDCG@10 and recall@100. */
async function evaluate(search: (terms: readonly string[], limit: number) => string[] | Promise<string[]>): Promise<Measured> {
  const ndcg: number[] = [];
  const recall: number[] = [];
  const latencies: number[] = [];
  for (const [queryId, relevant] of set.qrels) {
    const text = set.queries.get(queryId);
    if (text === undefined) continue;
    const started = performance.now();
    const ranked = await search(analyze(text, { language: "en" }), 100);
    latencies.push(performance.now() - started);
    ndcg.push(ndcgAt(ranked, relevant, 10));
    recall.push(recallAt(ranked, relevant, 100));
  }
  return { ndcg10: round(mean(ndcg)), recall100: round(mean(recall)), p50_ms: round(percentile(latencies, 0.5), 3), p99_ms: round(percentile(latencies, 0.99), 3) };
}

const result: { bench: string; documents: number; queries: number; keyword?: Measured; keyword_sql?: Measured & { index_s: number } } = {
  bench: "retrieval-scifact",
  documents: documents.length,
  queries: [...set.qrels.keys()].filter((id) => set.queries.has(id)).length,
};

if (engine !== "sql") {
  const index = createBm25Index();
  for (const doc of documents) index.add(doc.id, doc.terms);
  result.keyword = await evaluate((terms, limit) => index.search(terms, limit).map((hit) => hit.id));
  console.error(`in-memory BM25: ${JSON.stringify(result.keyword)}`);
}
if (engine !== "memory") {
  const sql = await createSqlKeywordIndex(documents);
  try {
    result.keyword_sql = { ...(await evaluate((terms, limit) => sql.search(terms, limit))), index_s: round(sql.indexSeconds, 1) };
    console.error(`SQL BM25 on PGlite: ${JSON.stringify(result.keyword_sql)}`);
  } finally {
    await sql.close();
  }
}
console.log(JSON.stringify(result));
