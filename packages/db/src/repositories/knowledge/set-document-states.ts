import type { PrismaClient } from "../../client/create-prisma-client.ts";

export interface DocumentState {
  id: string;
  status: "queued" | "processing" | "ready" | "failed";
  stage: "stored" | "parsing" | "chunking" | "embedding" | "indexing" | "done";
  /** 0–100. */
  progress: number;
  error?: string | null;
  errorCode?: string | null;
  chunkCount?: number;
  tokenCount?: number;
  indexSignature?: string | null;
  /** Set when the document reaches ready or failed. */
  processed?: boolean;
}

/**
 * Moves many documents to their next state in one statement (ingestion reports status, stage and
 * progress for a batch at a time). Fields left undefined keep their value.
 */
export async function setDocumentStates(prisma: PrismaClient, states: readonly DocumentState[]): Promise<number> {
  if (states.length === 0) return 0;
  const column = <T>(pick: (state: DocumentState) => T) => states.map(pick);
  const keep = (value: unknown) => value === undefined;
  return prisma.$executeRaw`
    UPDATE documents d SET
      status = u.status::document_status,
      stage = u.stage::document_stage,
      progress = u.progress,
      error = CASE WHEN u.keep_error THEN d.error ELSE u.error END,
      error_code = CASE WHEN u.keep_error THEN d.error_code ELSE u.error_code END,
      chunk_count = coalesce(u.chunk_count, d.chunk_count),
      token_count = coalesce(u.token_count, d.token_count),
      index_signature = CASE WHEN u.keep_signature THEN d.index_signature ELSE u.index_signature END,
      processed_at = CASE WHEN u.processed THEN now() ELSE d.processed_at END,
      updated_at = now()
    FROM unnest(
      ${column((state) => state.id)}::uuid[],
      ${column((state) => state.status)}::text[],
      ${column((state) => state.stage)}::text[],
      ${column((state) => Math.max(0, Math.min(100, Math.round(state.progress))))}::int[],
      ${column((state) => keep(state.error))}::boolean[],
      ${column((state) => (state.error ?? null)?.slice(0, 2000) ?? null)}::text[],
      ${column((state) => state.errorCode ?? null)}::text[],
      ${column((state) => state.chunkCount ?? null)}::int[],
      ${column((state) => state.tokenCount ?? null)}::int[],
      ${column((state) => keep(state.indexSignature))}::boolean[],
      ${column((state) => state.indexSignature ?? null)}::text[],
      ${column((state) => state.processed === true)}::boolean[]
    ) AS u(id, status, stage, progress, keep_error, error, error_code, chunk_count, token_count, keep_signature, index_signature, processed)
    WHERE d.id = u.id`;
}
