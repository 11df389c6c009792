import { ServiceError, serviceErrorGuard } from "../errors/service-error.ts";

/**
 * What can go wrong with knowledge bases that the caller can fix. `status` is the HTTP status an API
 * route answers with; messages say what to do.
 */
export const KNOWLEDGE_ERROR_STATUS = {
  not_found: 404,
  invalid_settings: 400,
  invalid_upload: 400,
  file_too_large: 413,
  too_many_files: 400,
  invalid_query: 400,
  vector_unavailable: 400,
  embedding_failed: 502,
  rerank_failed: 502,
} as const;

export type KnowledgeErrorCode = keyof typeof KNOWLEDGE_ERROR_STATUS;

export class KnowledgeError extends ServiceError<KnowledgeErrorCode> {
  override readonly name = "KnowledgeError";

  constructor(code: KnowledgeErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(KNOWLEDGE_ERROR_STATUS, code, message, options);
  }
}

export const isKnowledgeError = serviceErrorGuard<KnowledgeError>("KnowledgeError");
