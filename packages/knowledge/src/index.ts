export { analyze, termFrequencies, ANALYZER_VERSION, type AnalyzeOptions } from "./analysis/analyze.ts";
export { porterStem } from "./analysis/porter-stemmer.ts";
export { englishStopwords } from "./analysis/english-stopwords.ts";
export { chineseStopwords } from "./analysis/chinese-stopwords.ts";
export { segmentHan } from "./analysis/segment-han.ts";
export { loadJieba } from "./analysis/load-jieba.ts";
export { AnalysisError, isAnalysisError, ANALYSIS_ERROR_CODES, type AnalysisErrorCode } from "./analysis/analysis-error.ts";
export { createBm25Index, DEFAULT_BM25, type Bm25Index, type Bm25Hit, type Bm25Parameters } from "./analysis/bm25-index.ts";
export {
  parseDocument,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_CHARS,
  type DocumentInput,
  type ParseDocumentOptions,
} from "./documents/parse-document.ts";
export {
  DOCUMENT_FORMATS,
  type DocumentFormat,
  type DocumentMetadata,
  type DocumentSection,
  type ParsedDocument,
} from "./documents/parsed-document.ts";
export {
  DocumentParseError,
  isDocumentParseError,
  DOCUMENT_PARSE_ERROR_CODES,
  type DocumentParseErrorCode,
} from "./documents/document-parse-error.ts";
export { chunkDocument, type Chunk, type ChunkMetadata } from "./chunking/chunk-document.ts";
export {
  chunkSettingsSchema,
  generalChunkSettingsSchema,
  parentChildChunkSettingsSchema,
  DEFAULT_SEPARATORS,
  type ChunkSettings,
  type ChunkSettingsInput,
} from "./chunking/chunk-settings.ts";
export { countTokens } from "./chunking/count-tokens.ts";
// The retrieval contract (also served alone, browser-safe, as `@tandem/knowledge/retrieval`).
export * from "./retrieval/index.ts";
export { fuseRankings, normalizeScores, type RankedList, type FusedHit } from "./retrieval/fuse-rankings.ts";
