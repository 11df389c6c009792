import { describe, expect, it } from "vitest";
import { fuseRankings, normalizeScores } from "./fuse-rankings.ts";
import { fusionSchema } from "./retrieval-settings.ts";

const keyword = { retriever: "keyword" as const, hits: [{ id: "a", score: 8 }, { id: "b", score: 4 }, { id: "c", score: 2 }] };
const vector = { retriever: "vector" as const, hits: [{ id: "c", score: 0.9 }, { id: "d", score: 0.5 }, { id: "a", score: -0.2 }] };

describe("normalizeScores", () => {
  it("divides BM25 by the best score and clamps cosine similarity to [0, 1]", () => {
    expect([...normalizeScores(keyword)]).toEqual([["a", 1], ["b", 0.5], ["c", 0.25]]);
    expect([...normalizeScores(vector)]).toEqual([["c", 0.9], ["d", 0.5], ["a", 0]]);
  });
});

describe("fuseRankings", () => {
  it("computes reciprocal-rank fusion by hand, normalised to its maximum", () => {
    const fused = fuseRankings([keyword, vector], fusionSchema.parse({ method: "rrf", k: 60 }));
    const max = 2 / 61;
    const expected = {
      a: (1 / 61 + 1 / 63) / max,
      c: (1 / 63 + 1 / 61) / max,
      b: 1 / 62 / max,
      d: 1 / 62 / max,
    };
    // a and c tie on score; both have a best rank of 1, so the id decides.
    expect(fused.map((hit) => hit.id)).toEqual(["a", "c", "b", "d"]);
    for (const hit of fused) expect(hit.score).toBeCloseTo(expected[hit.id as keyof typeof expected], 12);
    expect(fused[0]).toMatchObject({ retrievers: ["keyword", "vector"], ranks: { keyword: 1, vector: 3 }, raw: { keyword: 8, vector: -0.2 } });
    expect(fused[1]?.retrievers).toEqual(["vector", "keyword"]);
  });

  it("computes weighted fusion of normalised scores", () => {
    const fused = fuseRankings([keyword, vector], fusionSchema.parse({ method: "weighted", keywordWeight: 0.25, vectorWeight: 0.75 }));
    const scores = Object.fromEntries(fused.map((hit) => [hit.id, hit.score]));
    expect(scores.a).toBeCloseTo(0.25 * 1 + 0.75 * 0, 12);
    expect(scores.b).toBeCloseTo(0.25 * 0.5, 12);
    expect(scores.c).toBeCloseTo(0.25 * 0.25 + 0.75 * 0.9, 12);
    expect(scores.d).toBeCloseTo(0.75 * 0.5, 12);
    expect(fused.map((hit) => hit.id)).toEqual(["c", "d", "a", "b"]);
  });

  it("keeps one list as it is when the other is empty, with scores still in [0, 1]", () => {
    const rrf = fuseRankings([keyword, { retriever: "vector", hits: [] }], fusionSchema.parse({ method: "rrf" }));
    expect(rrf.map((hit) => hit.id)).toEqual(["a", "b", "c"]);
    expect(rrf.map((hit) => hit.score)).toEqual([1, 0.5, 0.25]);
    const weighted = fuseRankings([{ retriever: "keyword", hits: [] }, vector], fusionSchema.parse({ method: "weighted" }));
    expect(weighted.map((hit) => hit.score)).toEqual([0.9, 0.5, 0]);
  });

  it("returns nothing for nothing", () => {
    expect(fuseRankings([], fusionSchema.parse(undefined))).toEqual([]);
  });
});
