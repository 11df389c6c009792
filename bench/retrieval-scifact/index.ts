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
import { evaluate, judgedQueries, type Measured, readBeir, round } from "./beir.ts";
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

const analyzeQuery = (text: string) => analyze(text, { language: "en" });

const result: { bench: string; documents: number; queries: number; keyword?: Measured; keyword_sql?: Measured & { index_s: number } } = {
  bench: "retrieval-scifact",
  documents: documents.length,
  queries: judgedQueries(set).length,
};

if (engine !== "sql") {
  const index = createBm25Index();
  for (const doc of documents) index.add(doc.id, doc.terms);
  result.keyword = await evaluate(set, analyzeQuery, (terms, limit) => index.search(terms, limit).map((hit) => hit.id));
  console.error(`in-memory BM25: ${JSON.stringify(result.keyword)}`);
}
if (engine !== "memory") {
  const sql = await createSqlKeywordIndex(documents);
  try {
    result.keyword_sql = { ...(await evaluate(set, analyzeQuery, (terms, limit) => sql.search(terms, limit))), index_s: round(sql.indexSeconds, 1) };
    console.error(`SQL BM25 on PGlite: ${JSON.stringify(result.keyword_sql)}`);
  } finally {
    await sql.close();
  }
}
console.log(JSON.stringify(result));
