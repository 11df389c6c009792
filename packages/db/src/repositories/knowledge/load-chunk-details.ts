import type { PrismaClient } from "../../client/create-prisma-client.ts";

export interface ChunkDetails {
  chunkId: string;
  knowledgeBaseId: string;
  knowledgeBaseName: string;
  documentId: string;
  documentName: string;
  position: number;
  text: string;
  metadata: Record<string, unknown>;
  tags: string[];
  documentMetadata: Record<string, unknown>;
  tokenCount: number;
  /** Parent-child mode: the parent chunk, returned in place of the matched child. */
  parent: { chunkId: string; position: number; text: string; metadata: Record<string, unknown> } | null;
}

interface Row {
  chunk_id: string;
  knowledge_base_id: string;
  knowledge_base_name: string;
  document_id: string;
  document_name: string;
  position: number;
  text: string;
  metadata: Record<string, unknown> | null;
  tags: string[];
  document_metadata: Record<string, unknown> | null;
  token_count: number;
  parent_id: string | null;
  parent_position: number | null;
  parent_text: string | null;
  parent_metadata: Record<string, unknown> | null;
}

/**
 * Everything a search hit shows (text, document, knowledge base, parent), for the chunk ids a search
 * returned, in one query. Chunks of other workspaces are never returned, whatever the ids.
 */
export async function loadChunkDetails(prisma: PrismaClient, workspaceId: string, chunkIds: readonly string[]): Promise<Map<string, ChunkDetails>> {
  if (chunkIds.length === 0) return new Map();
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT c.id::text AS chunk_id, c.knowledge_base_id::text AS knowledge_base_id, kb.name AS knowledge_base_name,
      c.document_id::text AS document_id, d.name AS document_name, c.position, c.text, c.metadata, d.tags,
      d.metadata AS document_metadata, c.token_count,
      p.id::text AS parent_id, p.position AS parent_position, p.text AS parent_text, p.metadata AS parent_metadata
    FROM chunks c
    JOIN documents d ON d.id = c.document_id
    JOIN knowledge_bases kb ON kb.id = c.knowledge_base_id
    LEFT JOIN chunks p ON p.id = c.parent_id
    WHERE c.id = ANY(${[...chunkIds]}::uuid[]) AND c.workspace_id = ${workspaceId}::uuid`;
  return new Map(
    rows.map((row) => [
      row.chunk_id,
      {
        chunkId: row.chunk_id,
        knowledgeBaseId: row.knowledge_base_id,
        knowledgeBaseName: row.knowledge_base_name,
        documentId: row.document_id,
        documentName: row.document_name,
        position: row.position,
        text: row.text,
        metadata: row.metadata ?? {},
        tags: row.tags,
        documentMetadata: row.document_metadata ?? {},
        tokenCount: row.token_count,
        parent:
          row.parent_id === null
            ? null
            : { chunkId: row.parent_id, position: row.parent_position ?? 0, text: row.parent_text ?? "", metadata: row.parent_metadata ?? {} },
      },
    ]),
  );
}
