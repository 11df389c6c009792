import { describe, expect, it } from "vitest";
import { cosineSimilarity, embeddingToBase64, hashingEmbedding } from "./hashing-embeddings.ts";

describe("hashingEmbedding", () => {
  it("is deterministic, unit length and case-insensitive", () => {
    const vector = hashingEmbedding("Retrieval augmented generation", 64);
    expect(vector).toHaveLength(64);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 10);
    expect(hashingEmbedding("retrieval AUGMENTED generation!", 64)).toEqual(vector);
  });

  it("ranks texts sharing words above unrelated ones", () => {
    const query = hashingEmbedding("how many vacation days do employees get", 256);
    const relevant = hashingEmbedding("Employees get 25 vacation days per year", 256);
    const unrelated = hashingEmbedding("The database migrates offline with prisma", 256);
    expect(cosineSimilarity(query, relevant)).toBeGreaterThan(cosineSimilarity(query, unrelated));
    expect(cosineSimilarity(query, query)).toBeCloseTo(1, 10);
  });

  it("gives an empty text a unit vector so cosine stays defined", () => {
    const empty = hashingEmbedding("  ", 8);
    expect(empty).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("encodes base64 float32 little-endian, as OpenAI does", () => {
    const vector = [0.5, -0.25, 1];
    const bytes = Buffer.from(embeddingToBase64(vector), "base64");
    expect([0, 1, 2].map((index) => bytes.readFloatLE(index * 4))).toEqual(vector);
  });
});
