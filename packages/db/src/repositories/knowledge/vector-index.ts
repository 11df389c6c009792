import type { PrismaClient } from "../../client/create-prisma-client.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The largest dimension pgvector's HNSW index accepts for `vector`. */
export const MAX_INDEXED_DIMENSIONS = 2000;

function checkedId(knowledgeBaseId: string): string {
  // The id is spelled into DDL and into the partial-index predicate, so it must be a plain UUID.
  if (!UUID.test(knowledgeBaseId)) throw new RangeError(`Not a knowledge base id: ${JSON.stringify(knowledgeBaseId)}`);
  return knowledgeBaseId.toLowerCase();
}

function checkedDimensions(dimensions: number): number {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > MAX_INDEXED_DIMENSIONS) {
    throw new RangeError(`Embeddings must have 1 to ${MAX_INDEXED_DIMENSIONS} dimensions to be indexed, not ${dimensions}.`);
  }
  return dimensions;
}

export function vectorIndexName(knowledgeBaseId: string): string {
  return `chunks_embedding_${checkedId(knowledgeBaseId).replaceAll("-", "")}`;
}

/**
 * The SQL pieces that make a query use a knowledge base's HNSW index: the chunks' `embedding` column
 * has no fixed dimension (each knowledge base picks its model), so every knowledge base in
 * high-quality mode gets a partial expression index `(embedding::vector(D)) … WHERE knowledge_base_id
 * = '<id>'`, and a query must repeat that expression and that predicate literally for the planner to
 * pick it. Both come from here.
 */
export function vectorIndexSql(knowledgeBaseId: string, dimensions: number): { expression: string; predicate: string; dimensions: number } {
  const id = checkedId(knowledgeBaseId);
  const size = checkedDimensions(dimensions);
  return { expression: `(embedding::vector(${size}))`, predicate: `knowledge_base_id = '${id}'::uuid`, dimensions: size };
}

/** Creates the knowledge base's HNSW (cosine) index if it is missing; idempotent. */
export async function ensureVectorIndex(prisma: PrismaClient, knowledgeBaseId: string, dimensions: number): Promise<void> {
  const { expression, predicate } = vectorIndexSql(knowledgeBaseId, dimensions);
  await prisma.$executeRawUnsafe(
    `CREATE INDEX IF NOT EXISTS "${vectorIndexName(knowledgeBaseId)}" ON chunks USING hnsw (${expression} vector_cosine_ops) WHERE ${predicate}`,
  );
}

/** Drops the knowledge base's vector index (when it is deleted or its embedding model changes). */
export async function dropVectorIndex(prisma: PrismaClient, knowledgeBaseId: string): Promise<void> {
  await prisma.$executeRawUnsafe(`DROP INDEX IF EXISTS "${vectorIndexName(knowledgeBaseId)}"`);
}
