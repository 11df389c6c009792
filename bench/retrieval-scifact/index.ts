/**
 * `npm run bench -- retrieval-scifact [--data DIR]`
 * Keyword retrieval quality and latency on a BEIR set (default: SciFact from the shared data): Tandem's
 * analyzer (stopwords, Porter stemming) and BM25 (k1 0.9, b 0.4, Lucene idf) over title + text.
 * Published BM25 nDCG@10 on SciFact: 0.665 (BEIR), 0.679 (Pyserini flat).
 * Vector and hybrid retrieval arrive with the knowledge-base issue and will be added here.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { analyze, createBm25Index } from "@tandem/knowledge";
import { ndcgAt, readBeir, recallAt } from "./beir.ts";

const { values } = parseArgs({ options: { data: { type: "string", default: path.join("..", "shared", "data", "retrieval", "scifact") } } });
const set = await readBeir(path.resolve(values.data ?? ""));

const index = createBm25Index();
for (const doc of set.corpus) index.add(doc.id, analyze(`${doc.title}\n${doc.text}`, { language: "en" }));

const ndcg: number[] = [];
const recall: number[] = [];
const latencies: number[] = [];
for (const [queryId, relevant] of set.qrels) {
  const text = set.queries.get(queryId);
  if (text === undefined) continue;
  const started = performance.now();
  const ranked = index.search(analyze(text, { language: "en" }), 100).map((hit) => hit.id);
  latencies.push(performance.now() - started);
  ndcg.push(ndcgAt(ranked, relevant, 10));
  recall.push(recallAt(ranked, relevant, 100));
}
const mean = (samples: number[]) => samples.reduce((sum, value) => sum + value, 0) / samples.length;
const percentile = (samples: number[], fraction: number) => [...samples].sort((left, right) => left - right)[Math.min(samples.length - 1, Math.floor(fraction * samples.length))] ?? Number.NaN;
const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

console.log(
  JSON.stringify({
    bench: "retrieval-scifact",
    documents: set.corpus.length,
    queries: ndcg.length,
    keyword: { ndcg10: round(mean(ndcg)), recall100: round(mean(recall)), p50_ms: round(percentile(latencies, 0.5), 3), p99_ms: round(percentile(latencies, 0.99), 3) },
  }),
);
