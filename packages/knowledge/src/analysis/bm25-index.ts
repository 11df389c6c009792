import { termFrequencies } from "./analyze.ts";

export interface Bm25Parameters {
  /** Term-frequency saturation (Pyserini's BEIR runs use 0.9). */
  k1: number;
  /** Length normalisation (Pyserini's BEIR runs use 0.4). */
  b: number;
}

export const DEFAULT_BM25: Bm25Parameters = { k1: 0.9, b: 0.4 };

export interface Bm25Hit {
  id: string;
  score: number;
}

/**
 * BM25 with Lucene's idf, ln(1 + (N − df + 0.5) / (df + 0.5)), over an in-memory inverted index: the
 * reference the database implementation is checked against, and the benchmark's engine.
 */
export function createBm25Index(parameters: Bm25Parameters = DEFAULT_BM25) {
  const postings = new Map<string, Array<{ doc: number; tf: number }>>();
  const ids: string[] = [];
  const lengths: number[] = [];
  let totalLength = 0;

  return {
    add(id: string, terms: readonly string[]): void {
      const doc = ids.length;
      ids.push(id);
      lengths.push(terms.length);
      totalLength += terms.length;
      for (const [term, tf] of termFrequencies(terms)) {
        let list = postings.get(term);
        if (!list) {
          list = [];
          postings.set(term, list);
        }
        list.push({ doc, tf });
      }
    },
    get size(): number {
      return ids.length;
    },
    idf(term: string): number {
      const df = postings.get(term)?.length ?? 0;
      return Math.log(1 + (ids.length - df + 0.5) / (df + 0.5));
    },
    search(queryTerms: readonly string[], limit: number): Bm25Hit[] {
      const n = ids.length;
      if (n === 0) return [];
      const averageLength = totalLength / n;
      const scores = new Map<number, number>();
      for (const term of new Set(queryTerms)) {
        const list = postings.get(term);
        if (!list) continue;
        const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
        for (const { doc, tf } of list) {
          const norm = parameters.k1 * (1 - parameters.b + (parameters.b * (lengths[doc] as number)) / averageLength);
          scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (parameters.k1 + 1)) / (tf + norm));
        }
      }
      return [...scores]
        .sort((left, right) => right[1] - left[1] || left[0] - right[0])
        .slice(0, limit)
        .map(([doc, score]) => ({ id: ids[doc] as string, score }));
    },
  };
}

export type Bm25Index = ReturnType<typeof createBm25Index>;
