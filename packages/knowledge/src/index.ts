export { analyze, termFrequencies, type AnalyzeOptions } from "./analysis/analyze.ts";
export { porterStem } from "./analysis/porter-stemmer.ts";
export { englishStopwords } from "./analysis/english-stopwords.ts";
export { createBm25Index, DEFAULT_BM25, type Bm25Index, type Bm25Hit, type Bm25Parameters } from "./analysis/bm25-index.ts";
