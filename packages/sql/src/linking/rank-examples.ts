import { z } from "zod";
import { type EmbedTexts } from "./link-schema.ts";
import { splitWords, stemToken } from "./tokenize.ts";
import { cosine } from "./cosine.ts";

/**
 * Words of a question for example ranking. Unlike schema linking, the words that shape the SQL stay in
 * ("how many", "most", "each", "average"): an example is useful for its structure as much as its topic.
 */
const fillerWords = new Set("a an the of in on at to for from by with and or is are was were be been do does did there this that these those it its".split(" "));

function exampleTokens(text: string): string[] {
  return splitWords(text.replace(/'s\b/g, ""))
    .filter((word) => !fillerWords.has(word))
    .map(stemToken);
}

/**
 * A verified question → SQL pair of one data source: the few-shot memory. It comes from a thumbs-up on a
 * result or is added by hand; the runner stores these per source, this package only ranks them.
 */
export const sqlExampleSchema = z.object({
  id: z.string().optional(),
  question: z.string().min(1),
  sql: z.string().min(1),
  origin: z.enum(["feedback", "manual"]).default("manual"),
});
export type SqlExample = z.infer<typeof sqlExampleSchema>;

export interface RankedExample<T> {
  example: T;
  /** BM25 score of the question against the example's question; with embeddings, the fused score. */
  score: number;
}

export interface RankExamplesOptions {
  /** Adds embedding similarity, fused with BM25 by reciprocal rank. */
  embed?: EmbedTexts;
}

const k1 = 1.2;
const b = 0.75;

/** BM25 of the question's words over the examples' questions (idf from the examples themselves). */
function bm25Scores(question: string, documents: readonly string[][]): number[] {
  const queryTerms = [...new Set(exampleTokens(question))];
  const averageLength = documents.reduce((sum, document) => sum + document.length, 0) / Math.max(1, documents.length);
  const documentFrequency = new Map<string, number>();
  for (const document of documents) for (const term of new Set(document)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  return documents.map((document) => {
    const frequencies = new Map<string, number>();
    for (const term of document) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
    let score = 0;
    for (const term of queryTerms) {
      const frequency = frequencies.get(term) ?? 0;
      if (frequency === 0) continue;
      const df = documentFrequency.get(term) ?? 0;
      const idf = Math.log(1 + (documents.length - df + 0.5) / (df + 0.5));
      score += (idf * frequency * (k1 + 1)) / (frequency + k1 * (1 - b + (b * document.length) / Math.max(1, averageLength)));
    }
    return score;
  });
}


/**
 * The `k` stored examples most similar to a question, best first, for the prompt's few-shot block.
 * Lexical only (BM25 over stemmed words; examples sharing no word are left out) unless `embed` is given,
 * in which case BM25 and cosine rankings are fused by reciprocal rank and every example can be returned.
 */
export async function rankExamples<T extends { question: string }>(question: string, examples: readonly T[], k: number, options: RankExamplesOptions = {}): Promise<Array<RankedExample<T>>> {
  if (examples.length === 0 || k <= 0) return [];
  const lexical = bm25Scores(
    question,
    examples.map((example) => exampleTokens(example.question)),
  );
  if (options.embed === undefined) {
    return examples
      .map((example, index) => ({ example, score: lexical[index] ?? 0 }))
      .filter((ranked) => ranked.score > 0)
      .sort((left, right) => right.score - left.score)
      .slice(0, k);
  }
  const [questionVector, ...vectors] = await options.embed([question, ...examples.map((example) => example.question)]);
  const semantic = examples.map((_example, index) => (questionVector === undefined ? 0 : cosine(questionVector, vectors[index] ?? [])));
  const rankOf = (scores: number[]) => {
    const order = scores.map((score, index) => ({ score, index })).sort((left, right) => right.score - left.score);
    const ranks = new Array<number>(scores.length);
    order.forEach((entry, rank) => (ranks[entry.index] = entry.score > 0 ? rank : Number.POSITIVE_INFINITY));
    return ranks;
  };
  const lexicalRanks = rankOf(lexical);
  const semanticRanks = rankOf(semantic);
  return examples
    .map((example, index) => ({ example, score: 1 / (60 + (lexicalRanks[index] ?? Infinity)) + 1 / (60 + (semanticRanks[index] ?? Infinity)) }))
    .sort((left, right) => right.score - left.score)
    .slice(0, k);
}
