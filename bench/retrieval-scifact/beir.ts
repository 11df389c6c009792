import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export interface BeirSet {
  corpus: Array<{ id: string; title: string; text: string }>;
  queries: Map<string, string>;
  /** query id → (document id → relevance) */
  qrels: Map<string, Map<string, number>>;
}

/**
 * Reads a BEIR-format folder: corpus.jsonl, queries.jsonl and one qrels file: `qrels/<split>.tsv` when a
 * split is named, otherwise `qrels/test.tsv`, or the only file in `qrels/` when there is no test split.
 */
export async function readBeir(dir: string, options: { split?: string } = {}): Promise<BeirSet> {
  const lines = async (file: string) => (await readFile(path.join(dir, file), "utf8")).split("\n").filter((line) => line.trim().length > 0);
  const corpus = (await lines("corpus.jsonl")).map((line) => {
    const row = JSON.parse(line) as { _id: string; title?: string; text?: string };
    return { id: String(row._id), title: row.title ?? "", text: row.text ?? "" };
  });
  const queries = new Map((await lines("queries.jsonl")).map((line) => {
    const row = JSON.parse(line) as { _id: string; text: string };
    return [String(row._id), row.text] as const;
  }));
  const qrels = new Map<string, Map<string, number>>();
  for (const line of (await lines(path.join("qrels", await qrelsFile(dir, options.split)))).slice(1)) {
    const [query, doc, score] = line.split("\t");
    if (!query || !doc) continue;
    const judged = qrels.get(query) ?? new Map<string, number>();
    judged.set(doc, Number(score));
    qrels.set(query, judged);
  }
  return { corpus, queries, qrels };
}

async function qrelsFile(dir: string, split: string | undefined): Promise<string> {
  if (split !== undefined) return `${split}.tsv`;
  const files = (await readdir(path.join(dir, "qrels"))).filter((file) => file.endsWith(".tsv")).sort();
  if (files.includes("test.tsv")) return "test.tsv";
  if (files.length === 1 && files[0] !== undefined) return files[0];
  throw new Error(`${path.join(dir, "qrels")} holds ${files.length === 0 ? "no .tsv file" : files.join(", ")}: name the split to evaluate`);
}

/** nDCG@k as trec_eval computes it: gain = relevance, discount log2(rank + 1). */
export function ndcgAt(ranked: readonly string[], relevant: ReadonlyMap<string, number>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, index) => {
    dcg += (relevant.get(id) ?? 0) / Math.log2(index + 2);
  });
  const ideal = [...relevant.values()].sort((left, right) => right - left).slice(0, k);
  const idcg = ideal.reduce((sum, gain, index) => sum + gain / Math.log2(index + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

export function recallAt(ranked: readonly string[], relevant: ReadonlyMap<string, number>, k: number): number {
  const positives = [...relevant].filter(([, score]) => score > 0).map(([id]) => id);
  if (positives.length === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  return positives.filter((id) => top.has(id)).length / positives.length;
}

/** Quality and latency of one retrieval configuration over every judged query. */
export interface Measured {
  ndcg10: number;
  recall100: number;
  p50_ms: number;
  p99_ms: number;
}

export const mean = (samples: readonly number[]) => samples.reduce((sum, value) => sum + value, 0) / samples.length;
export const percentile = (samples: readonly number[], fraction: number) =>
  [...samples].sort((left, right) => left - right)[Math.min(samples.length - 1, Math.floor(fraction * samples.length))] ?? Number.NaN;
export const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The judged queries that have a text: what every figure is averaged over. */
export function judgedQueries(set: BeirSet): Array<{ id: string; text: string; relevant: Map<string, number> }> {
  return [...set.qrels].flatMap(([id, relevant]) => {
    const text = set.queries.get(id);
    return text === undefined ? [] : [{ id, text, relevant }];
  });
}

/** Runs every judged query (analysis included in the latency) and averages nDCG@10 and recall@100. */
export async function evaluate(
  set: BeirSet,
  analyzeQuery: (text: string) => string[],
  search: (terms: readonly string[], limit: number) => string[] | Promise<string[]>,
): Promise<Measured> {
  const ndcg: number[] = [];
  const recall: number[] = [];
  const latencies: number[] = [];
  for (const { text, relevant } of judgedQueries(set)) {
    const started = performance.now();
    const ranked = await search(analyzeQuery(text), 100);
    latencies.push(performance.now() - started);
    ndcg.push(ndcgAt(ranked, relevant, 10));
    recall.push(recallAt(ranked, relevant, 100));
  }
  return { ndcg10: round(mean(ndcg)), recall100: round(mean(recall)), p50_ms: round(percentile(latencies, 0.5), 3), p99_ms: round(percentile(latencies, 0.99), 3) };
}
