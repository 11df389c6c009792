import { readFile } from "node:fs/promises";
import path from "node:path";

export interface BeirSet {
  corpus: Array<{ id: string; title: string; text: string }>;
  queries: Map<string, string>;
  /** query id → (document id → relevance) */
  qrels: Map<string, Map<string, number>>;
}

/** Reads a BEIR-format folder: corpus.jsonl, queries.jsonl, qrels/test.tsv. */
export async function readBeir(dir: string): Promise<BeirSet> {
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
  for (const line of (await lines("qrels/test.tsv")).slice(1)) {
    const [query, doc, score] = line.split("\t");
    if (!query || !doc) continue;
    const judged = qrels.get(query) ?? new Map<string, number>();
    judged.set(doc, Number(score));
    qrels.set(query, judged);
  }
  return { corpus, queries, qrels };
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
