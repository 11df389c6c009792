import { describe, expect, it } from "vitest";
import { rankExamples, sqlExampleSchema } from "./rank-examples.ts";

const examples = [
  { id: "1", question: "How many customers live in Brazil?", sql: "SELECT count(*) FROM Customer WHERE Country = 'Brazil'" },
  { id: "2", question: "Top 5 artists by number of albums", sql: "SELECT ..." },
  { id: "3", question: "Total revenue per country", sql: "SELECT ..." },
  { id: "4", question: "Which customers spent the most?", sql: "SELECT ..." },
].map((example) => sqlExampleSchema.parse(example));

describe("rankExamples", () => {
  it("ranks stored examples by word overlap (BM25 over stemmed words) and leaves out unrelated ones", async () => {
    const ranked = await rankExamples("How many customers are there in Canada?", examples, 3);
    expect(ranked.map((entry) => entry.example.id)).toEqual(["1", "4"]);
    expect(ranked[0]?.score).toBeGreaterThan(ranked[1]?.score ?? 0);
    expect(await rankExamples("revenue by country", examples, 1)).toEqual([{ example: examples[2], score: expect.any(Number) as unknown }]);
    expect(await rankExamples("anything", [], 3)).toEqual([]);
  });

  it("fuses embedding similarity when an embed function is given", async () => {
    // A stand-in: "sales" and "revenue" point the same way, which no word overlap can see.
    const embed = async (texts: string[]) => texts.map((text) => (/sales|revenue/i.test(text) ? [1, 0] : [0, 1]));
    expect(await rankExamples("sales by nation", examples, 1)).toEqual([]);
    const ranked = await rankExamples("sales by nation", examples, 1, { embed });
    expect(ranked[0]?.example.id).toBe("3");
    expect(sqlExampleSchema.parse({ question: "q", sql: "SELECT 1" }).origin).toBe("manual");
  });
});
