import type { PrismaClient } from "../client/create-prisma-client.ts";

export interface KnowledgeBaseCounts {
  documentCount: number;
  chunkCount: number;
  tokenCount: number;
}

/**
 * Recomputes a knowledge base's document, chunk and token counts and its BM25 statistics from its rows,
 * in one statement. Triggers keep them exact as rows come and go; this repairs them should a change
 * ever bypass the triggers. Parent chunks (parent-child mode) are not counted: they are never matched.
 * Returns null when the knowledge base no longer exists.
 */
export async function recountKnowledgeBase(prisma: PrismaClient, knowledgeBaseId: string): Promise<KnowledgeBaseCounts | null> {
  const rows = await prisma.$queryRaw<Array<{ document_count: number; chunk_count: number; token_count: number }>>`
    UPDATE knowledge_bases AS kb SET
      document_count = (SELECT count(*) FROM documents d WHERE d.knowledge_base_id = kb.id),
      chunk_count = (SELECT count(*) FROM chunks c WHERE c.knowledge_base_id = kb.id AND NOT c.is_parent),
      token_count = (SELECT coalesce(sum(c.token_count), 0) FROM chunks c WHERE c.knowledge_base_id = kb.id AND NOT c.is_parent),
      keyword_term_total = (SELECT coalesce(sum(c.term_count), 0) FROM chunks c WHERE c.knowledge_base_id = kb.id AND NOT c.is_parent),
      updated_at = now()
    WHERE kb.id = ${knowledgeBaseId}::uuid
    RETURNING document_count, chunk_count, token_count`;
  const row = rows[0];
  return row ? { documentCount: row.document_count, chunkCount: row.chunk_count, tokenCount: row.token_count } : null;
}
