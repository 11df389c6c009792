import type { FusionSettings, RetrieverName } from "./retrieval-settings.ts";

/** One retriever's ranked list, best first. */
export interface RankedList {
  retriever: RetrieverName;
  hits: ReadonlyArray<{ id: string; score: number }>;
}

export interface FusedHit {
  id: string;
  /** Fused score in [0, 1]. */
  score: number;
  retrievers: RetrieverName[];
  ranks: Partial<Record<RetrieverName, number>>;
  raw: Partial<Record<RetrieverName, number>>;
  normalized: Partial<Record<RetrieverName, number>>;
}

/**
 * A retriever's scores mapped to [0, 1]: keyword BM25 divided by the best score of the list (BM25 has
 * no upper bound, so only its relative size means anything), vector cosine similarity clamped at 0.
 */
export function normalizeScores(list: RankedList): Map<string, number> {
  const normalized = new Map<string, number>();
  if (list.retriever === "vector") {
    for (const hit of list.hits) normalized.set(hit.id, Math.min(1, Math.max(0, hit.score)));
    return normalized;
  }
  const best = list.hits.reduce((max, hit) => Math.max(max, hit.score), 0);
  for (const hit of list.hits) normalized.set(hit.id, best > 0 ? hit.score / best : 0);
  return normalized;
}

/**
 * Merges ranked lists into one. Reciprocal-rank fusion scores Σ 1 / (k + rank), divided by its maximum
 * (first in every list) so it lands in [0, 1]; weighted fusion sums each list's normalised scores times
 * its weight, divided by the weights' sum. With only one non-empty list, its normalised scores are kept. Ties break by the best single rank, then by id, so the order
 * is deterministic.
 */
export function fuseRankings(lists: readonly RankedList[], fusion: FusionSettings): FusedHit[] {
  const byId = new Map<string, FusedHit>();
  const active = lists.filter((list) => list.hits.length > 0);
  for (const list of lists) {
    const normalized = normalizeScores(list);
    list.hits.forEach((hit, index) => {
      let entry = byId.get(hit.id);
      if (!entry) {
        entry = { id: hit.id, score: 0, retrievers: [], ranks: {}, raw: {}, normalized: {} };
        byId.set(hit.id, entry);
      }
      if (entry.ranks[list.retriever] !== undefined) return;
      entry.retrievers.push(list.retriever);
      entry.ranks[list.retriever] = index + 1;
      entry.raw[list.retriever] = hit.score;
      entry.normalized[list.retriever] = normalized.get(hit.id) ?? 0;
    });
  }
  const weightOf = (retriever: RetrieverName): number =>
    fusion.method === "weighted" ? (retriever === "keyword" ? fusion.keywordWeight : fusion.vectorWeight) : 1;
  const totalWeight = active.reduce((sum, list) => sum + weightOf(list.retriever), 0);
  const maxRrf = fusion.method === "rrf" ? active.length / (fusion.k + 1) : 1;
  for (const entry of byId.values()) {
    if (active.length === 1) {
      // Nothing to fuse: the one list's own normalised scores, so a threshold means the same as without fusion.
      const only = (active[0] as RankedList).retriever;
      entry.score = entry.normalized[only] ?? 0;
      continue;
    }
    let score = 0;
    for (const retriever of entry.retrievers) {
      if (fusion.method === "rrf") score += 1 / (fusion.k + (entry.ranks[retriever] ?? Number.POSITIVE_INFINITY));
      else score += weightOf(retriever) * (entry.normalized[retriever] ?? 0);
    }
    entry.score = fusion.method === "rrf" ? (maxRrf > 0 ? score / maxRrf : 0) : totalWeight > 0 ? score / totalWeight : 0;
    // Best rank first in the list of retrievers.
    entry.retrievers.sort((left, right) => (entry.ranks[left] ?? Infinity) - (entry.ranks[right] ?? Infinity));
  }
  const bestRank = (hit: FusedHit) => Math.min(...hit.retrievers.map((retriever) => hit.ranks[retriever] ?? Infinity));
  return [...byId.values()].sort((left, right) => right.score - left.score || bestRank(left) - bestRank(right) || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
}
