/**
 * The retrieval contract alone, as `@tandem/knowledge/retrieval`: zod schemas and types, nothing that
 * parses documents or touches I/O, so browser-safe code (the engine's node schemas) can import it
 * without pulling in the PDF and DOCX parsers that the package's main entry carries.
 */
export {
  retrievalSettingsSchema,
  metadataFilterSchema,
  metadataConditionSchema,
  fusionSchema,
  rerankSchema,
  candidateCount,
  RETRIEVAL_MODES,
  METADATA_OPERATORS,
  type RetrievalMode,
  type RetrieverName,
  type FusionSettings,
  type RerankSettings,
  type RetrievalSettings,
  type RetrievalSettingsInput,
  type MetadataOperator,
  type MetadataCondition,
  type MetadataFilter,
  type MetadataFilterInput,
} from "./retrieval-settings.ts";
export type { RetrievalRequest, RetrievalResult, RetrievedChunk, RetrieverScore } from "./retrieval-result.ts";
