import { describe, expect, it } from "vitest";
import { createBm25Index } from "./bm25-index.ts";

describe("BM25", () => {
  it("matches a hand-computed example", () => {
    // Three documents; k1 = 1.2, b = 0.75; lengths 3, 2, 4 → average 3.
    const index = createBm25Index({ k1: 1.2, b: 0.75 });
    index.add("d1", ["cat", "sat", "mat"]);
    index.add("d2", ["cat", "cat"]);
    index.add("d3", ["dog", "sat", "log", "fog"]);

    // idf(cat) = ln(1 + (3 − 2 + 0.5) / (2 + 0.5)) = ln(1.6); idf(dog) = ln(1 + 2.5 / 1.5) = ln(8/3).
    const idfCat = Math.log(1.6);
    const idfDog = Math.log(8 / 3);
    expect(index.idf("cat")).toBeCloseTo(idfCat, 12);
    // d2: tf 2, length 2 → norm = 1.2 × (0.25 + 0.75 × 2/3) = 0.9; score = idf × 2 × 2.2 / (2 + 0.9).
    const d2 = (idfCat * 2 * 2.2) / (2 + 0.9);
    // d1: tf 1, length 3 → norm = 1.2; score = idf × 2.2 / 2.2 = idf.
    const d1 = idfCat;
    // d3: dog tf 1, length 4 → norm = 1.2 × (0.25 + 1) = 1.5; score = idf × 2.2 / 2.5.
    const d3 = (idfDog * 2.2) / 2.5;

    const hits = index.search(["cat", "dog"], 10);
    expect(hits.map((hit) => hit.id)).toEqual(["d3", "d2", "d1"]);
    expect(hits.find((hit) => hit.id === "d2")?.score).toBeCloseTo(d2, 12);
    expect(hits.find((hit) => hit.id === "d1")?.score).toBeCloseTo(d1, 12);
    expect(hits.find((hit) => hit.id === "d3")?.score).toBeCloseTo(d3, 12);
  });

  it("counts a repeated query term once and ignores unknown terms", () => {
    const index = createBm25Index();
    index.add("a", ["x", "y"]);
    index.add("b", ["y"]);
    expect(index.search(["x", "x", "zzz"], 5).map((hit) => hit.id)).toEqual(["a"]);
    expect(index.search(["nothing"], 5)).toEqual([]);
  });
});
