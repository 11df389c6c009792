import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../../client/create-prisma-client.ts";

export interface ChunkToWrite {
  /** Position in the document, from 0, unique per document. */
  position: number;
  text: string;
  tokenCount: number;
  metadata: Record<string, unknown>;
  /** Parent-child mode: parents are stored and returned, never matched (no terms, no embedding). */
  isParent?: boolean;
  /** The position of this chunk's parent in the same document. */
  parentPosition?: number | undefined;
  /** Analyzed index terms, repeats included (their count is the BM25 length); empty for parents. */
  terms: readonly string[];
}

export interface DocumentChunks {
  documentId: string;
  chunks: readonly ChunkToWrite[];
}

export interface WriteDocumentChunksInput {
  workspaceId: string;
  knowledgeBaseId: string;
  documents: readonly DocumentChunks[];
}

export interface WrittenChunk {
  id: string;
  documentId: string;
  position: number;
  isParent: boolean;
}

/**
 * Replaces the chunks and keyword postings of several documents in one transaction: whatever a
 * document had (from an earlier, possibly interrupted attempt) is deleted first, so a retried
 * ingestion never duplicates chunks. Rows go in as a few array-parameter statements (`unnest`)
 * instead of one per chunk or term: on embedded PGlite that is the difference between 20 and 0.03 ms
 * per posting. Knowledge-base counts and BM25 statistics follow through the tables' triggers.
 */
export async function writeDocumentChunks(prisma: PrismaClient, input: WriteDocumentChunksInput): Promise<WrittenChunk[]> {
  const { workspaceId, knowledgeBaseId } = input;
  const documentIds = input.documents.map((document) => document.documentId);
  const chunk = {
    id: [] as string[],
    documentId: [] as string[],
    position: [] as number[],
    parentId: [] as Array<string | null>,
    text: [] as string[],
    metadata: [] as string[],
    tokenCount: [] as number[],
    termCount: [] as number[],
    isParent: [] as boolean[],
  };
  const posting = { chunkId: [] as string[], documentId: [] as string[], term: [] as string[], frequency: [] as number[], length: [] as number[] };
  const written: WrittenChunk[] = [];
  for (const document of input.documents) {
    const idByPosition = new Map<number, string>();
    for (const entry of document.chunks) idByPosition.set(entry.position, randomUUID());
    for (const entry of document.chunks) {
      const id = idByPosition.get(entry.position) as string;
      const isParent = entry.isParent === true;
      const terms = isParent ? [] : entry.terms;
      const parentId = entry.parentPosition === undefined ? null : (idByPosition.get(entry.parentPosition) ?? null);
      chunk.id.push(id);
      chunk.documentId.push(document.documentId);
      chunk.position.push(entry.position);
      chunk.parentId.push(parentId);
      chunk.text.push(entry.text);
      chunk.metadata.push(JSON.stringify(entry.metadata));
      chunk.tokenCount.push(entry.tokenCount);
      chunk.termCount.push(terms.length);
      chunk.isParent.push(isParent);
      written.push({ id, documentId: document.documentId, position: entry.position, isParent });
      const frequencies = new Map<string, number>();
      for (const term of terms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
      for (const [term, frequency] of frequencies) {
        posting.chunkId.push(id);
        posting.documentId.push(document.documentId);
        posting.term.push(term);
        posting.frequency.push(frequency);
        posting.length.push(terms.length);
      }
    }
  }
  const lockOrder = [...documentIds].sort();
  await prisma.$transaction([
    // Two attempts at the same document (a retry racing a re-index) take turns instead of colliding on
    // (document_id, position); locks are taken in one order so that two batches cannot deadlock.
    prisma.$queryRaw`SELECT count(pg_advisory_xact_lock(hashtextextended(id::text, 7231))) FROM unnest(${lockOrder}::uuid[]) AS id`,
    prisma.$executeRaw`DELETE FROM chunks WHERE document_id = ANY(${documentIds}::uuid[])`,
    // Parents first in the arrays is not needed: the FK to parent_id is checked at the end of the statement.
    prisma.$executeRaw`
      INSERT INTO chunks (id, workspace_id, knowledge_base_id, document_id, position, parent_id, text, metadata, token_count, term_count, is_parent)
      SELECT u.id, ${workspaceId}::uuid, ${knowledgeBaseId}::uuid, u.document_id, u.position, u.parent_id, u.text, u.metadata::jsonb, u.token_count, u.term_count, u.is_parent
      FROM unnest(${chunk.id}::uuid[], ${chunk.documentId}::uuid[], ${chunk.position}::int[], ${chunk.parentId}::uuid[], ${chunk.text}::text[],
        ${chunk.metadata}::text[], ${chunk.tokenCount}::int[], ${chunk.termCount}::int[], ${chunk.isParent}::boolean[])
        AS u(id, document_id, position, parent_id, text, metadata, token_count, term_count, is_parent)`,
    prisma.$executeRaw`
      INSERT INTO chunk_terms (knowledge_base_id, workspace_id, chunk_id, document_id, term, frequency, chunk_length)
      SELECT ${knowledgeBaseId}::uuid, ${workspaceId}::uuid, u.chunk_id, u.document_id, u.term, u.frequency, u.chunk_length
      FROM unnest(${posting.chunkId}::uuid[], ${posting.documentId}::uuid[], ${posting.term}::text[], ${posting.frequency}::int[], ${posting.length}::int[])
        AS u(chunk_id, document_id, term, frequency, chunk_length)`,
  ]);
  return written;
}
