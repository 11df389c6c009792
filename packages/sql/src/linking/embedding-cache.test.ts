import { describe, expect, it } from "vitest";
import { createEmbeddingCache } from "./embedding-cache.ts";

describe("createEmbeddingCache", () => {
  const fakeEmbed = (calls: string[][]) => async (texts: string[]) => {
    calls.push(texts);
    return texts.map((text) => [text.length, 1]);
  };

  it("sends the model only texts it has not embedded for that model, in order", async () => {
    const cache = createEmbeddingCache();
    const calls: string[][] = [];
    const embed = cache.wrap("local:nomic", fakeEmbed(calls));
    expect(await embed(["question one", "Artist name", "Album title"])).toEqual([[12, 1], [11, 1], [11, 1]]);
    expect(await embed(["other question", "Artist name", "Album title", "other question"])).toEqual([[14, 1], [11, 1], [11, 1], [14, 1]]);
    expect(calls).toEqual([["question one", "Artist name", "Album title"], ["other question"]]);
    // Another model does not share vectors.
    await cache.wrap("cloud:text-embedding-3-small", fakeEmbed(calls))(["Artist name"]);
    expect(calls.at(-1)).toEqual(["Artist name"]);
  });

  it("drops the least recently used beyond its size and refuses a short answer", async () => {
    const cache = createEmbeddingCache({ maxEntries: 2 });
    const calls: string[][] = [];
    const embed = cache.wrap("m", fakeEmbed(calls));
    await embed(["a", "b"]);
    await embed(["a"]); // a is now the most recent
    await embed(["c"]); // b goes
    expect(cache.size).toBe(2);
    await embed(["a", "b"]);
    expect(calls.at(-1)).toEqual(["b"]);
    const short = cache.wrap("n", async () => [[1]]);
    await expect(short(["x", "y"])).rejects.toThrow(/1 vectors for 2 texts/);
    expect(() => createEmbeddingCache({ maxEntries: 0 })).toThrow(/positive integer/);
  });
});
