/**
 * `npm run bench -- retrieval-cmrc [--data DIR]`
 * Chinese keyword retrieval on a BEIR set (default: CMRC 2018 from the shared data: 848 paragraphs,
 * 3,219 questions, each judged against the paragraph it was written on). Every segmentation of Han text
 * in `han-variants.ts` is indexed over title + text with the in-memory BM25 (Lucene idf, k1 0.9, b 0.4);
 * `keyword` is Tandem's `analyze` as it ships and `baseline_unigram` the character-unigram floor that it
 * must beat. Latencies include query analysis. No published baseline exists for this derived set. The
 * last line is the JSON result; progress goes to stderr. Why Tandem segments as it does: ADR 0009.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { createBm25Index, loadJieba } from "@tandem/knowledge";
import { type BeirSet, evaluate, judgedQueries, readBeir, round } from "../retrieval-scifact/beir.ts";
import { evaluateProduct } from "../shared/evaluate-product.ts";
import { type AnalyzerMeasured, buildCmrcResult } from "./cmrc-result.ts";
import { type Analyzer, hanVariants } from "./han-variants.ts";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: path.join("..", "shared", "data", "retrieval", "cmrc2018") },
    dimensions: { type: "string", default: "256" },
    /** Skip the product path (ingestion into embedded PGlite), measuring the analyzers only. */
    "analyzers-only": { type: "boolean", default: false },
  },
});
const set = await readBeir(path.resolve(values.data ?? ""));

/** Indexes the corpus with `analyzer` and runs every judged query through it. */
async function measureAnalyzer(beir: BeirSet, analyzer: Analyzer): Promise<AnalyzerMeasured> {
  const started = performance.now();
  const index = createBm25Index();
  for (const doc of beir.corpus) index.add(doc.id, analyzer(`${doc.title}\n${doc.text}`));
  const indexMs = performance.now() - started;
  const measured = await evaluate(beir, analyzer, (terms, limit) => index.search(terms, limit).map((hit) => hit.id));
  return { ...measured, index_ms: round(indexMs, 0) };
}

// The dictionary loads once per process; timed apart so that no variant's index time carries it.
const loadStarted = performance.now();
loadJieba();
const segmenterLoadMs = round(performance.now() - loadStarted, 0);
console.error(`jieba dictionary loaded in ${segmenterLoadMs} ms; ${set.corpus.length} documents, ${judgedQueries(set).length} judged queries`);

const analyzers: Record<string, AnalyzerMeasured> = {};
for (const [name, analyzer] of Object.entries(hanVariants)) {
  analyzers[name] = await measureAnalyzer(set, analyzer);
  console.error(`${name}: ${JSON.stringify(analyzers[name])}`);
}
const { tandem, unigram } = analyzers;
if (!tandem || !unigram) throw new Error("the tandem and unigram analyzers were not measured");
if (tandem.ndcg10 <= unigram.ndcg10) console.error(`keyword nDCG@10 ${tandem.ndcg10} is not above the unigram floor ${unigram.ndcg10}`);

const product = values["analyzers-only"] ? undefined : await evaluateProduct(set, { embeddingDimensions: Number(values.dimensions), log: (line) => console.error(line) });
console.log(
  JSON.stringify(
    buildCmrcResult({ documents: set.corpus.length, queries: judgedQueries(set).length, keyword: tandem, unigram, segmenterLoadMs, analyzers, product }),
  ),
);
