/** The stopword list Lucene's EnglishAnalyzer uses (the one BM25 baselines such as Pyserini's are run with). */
export const englishStopwords: ReadonlySet<string> = new Set([
  "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of", "on",
  "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
]);
