/**
 * The default English stopwords: NLTK's English list (127 words: pronouns, auxiliaries, articles,
 * prepositions, conjunctions). On SciFact it scores within 0.001 nDCG@10 of Lucene's 33-word list and
 * keeps far fewer rows in `chunk_terms` (words such as "we", "have", "from", "which" occur in most chunks).
 */
export const englishStopwords: ReadonlySet<string> = new Set(
  (
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers " +
    "herself it its itself they them their theirs themselves what which who whom this that these those am is are " +
    "was were be been being have has had having do does did doing a an the and but if or because as until while " +
    "of at by for with about against between into through during before after above below to from up down in out " +
    "on off over under again further then once here there when where why how all any both each few more most " +
    "other some such no nor not only own same so than too very s t can will just don should now"
  ).split(" "),
);

/** The 33 words Lucene's EnglishAnalyzer drops, the list Pyserini's published BM25 runs use. */
export const luceneEnglishStopwords: ReadonlySet<string> = new Set([
  "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of", "on",
  "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
]);
