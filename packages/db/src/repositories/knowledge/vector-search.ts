import type { PrismaClient } from "../../client/create-prisma-client.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { toVectorLiteral } from "../../vector/vector-literal.ts";
import { documentFilterSql, type DocumentFilter } from "./document-filter.ts";
import { vectorIndexSql } from "./vector-index.ts";

export interface VectorSearchOptions {
  knowledgeBaseId: string;
  /** The knowledge base's embedding dimensions; the query vector must have as many. */
  dimensions: number;
  vector: readonly number[];
  limit: number;
  filter?: DocumentFilter | undefined;
  /** HNSW candidate list size (default: max(40, 2 × limit)). */
  efSearch?: number;
}

export interface VectorHit {
  chunkId: string;
  documentId: string;
  /** Cosine similarity, 1 − cosine distance, in [−1, 1]. */
  similarity: number;
}

/**
 * Nearest chunks by cosine distance through the knowledge base's HNSW index. With a metadata filter,
 * pgvector's iterative index scan keeps walking the graph until enough chunks pass the filter
 * (`relaxed_order`, re-sorted here), instead of returning fewer than asked.
 */
export async function vectorSearch(prisma: PrismaClient, options: VectorSearchOptions): Promise<VectorHit[]> {
  const { expression, predicate, dimensions } = vectorIndexSql(options.knowledgeBaseId, options.dimensions);
  if (options.vector.length !== dimensions) {
    throw new RangeError(`The query embedding has ${options.vector.length} dimensions; this knowledge base's embeddings have ${dimensions}.`);
  }
  const query = Prisma.sql`${toVectorLiteral(options.vector)}::vector(${Prisma.raw(String(dimensions))})`;
  const filtered = options.filter && options.filter.conditions.length > 0;
  const documentFilter = filtered
    ? Prisma.sql`AND document_id IN (SELECT d.id FROM documents d WHERE d.knowledge_base_id = ${options.knowledgeBaseId}::uuid AND (${documentFilterSql(options.filter)}))`
    : Prisma.empty;
  const efSearch = Math.min(1000, Math.max(40, options.efSearch ?? 2 * options.limit));
  const search = prisma.$queryRaw<Array<{ chunk_id: string; document_id: string; distance: number }>>`
    WITH nearest AS MATERIALIZED (
      SELECT id, document_id, ${Prisma.raw(expression)} <=> ${query} AS distance
      FROM chunks
      WHERE ${Prisma.raw(predicate)} AND embedding IS NOT NULL ${documentFilter}
      ORDER BY ${Prisma.raw(expression)} <=> ${query}
      LIMIT ${options.limit}
    )
    SELECT id::text AS chunk_id, document_id::text AS document_id, distance::float8 AS distance
    FROM nearest ORDER BY distance, id`;
  const settings = [prisma.$executeRawUnsafe(`SET LOCAL hnsw.ef_search = ${efSearch}`)];
  if (filtered) settings.push(prisma.$executeRawUnsafe(`SET LOCAL hnsw.iterative_scan = relaxed_order`));
  const results = await prisma.$transaction([...settings, search]);
  // The search is the last statement of the transaction; the ones before it only set options.
  const rows = results.at(-1) as Array<{ chunk_id: string; document_id: string; distance: number }>;
  return rows.map((row) => ({ chunkId: row.chunk_id, documentId: row.document_id, similarity: 1 - Number(row.distance) }));
}

export interface EmbeddingToWrite {
  chunkId: string;
  vector: readonly number[];
}

/** Stores embeddings for chunks in one statement. */
export async function writeEmbeddings(prisma: PrismaClient, embeddings: readonly EmbeddingToWrite[]): Promise<number> {
  if (embeddings.length === 0) return 0;
  const ids = embeddings.map((entry) => entry.chunkId);
  const vectors = embeddings.map((entry) => toVectorLiteral(entry.vector));
  return prisma.$executeRaw`
    UPDATE chunks c SET embedding = u.embedding::vector
    FROM unnest(${ids}::uuid[], ${vectors}::text[]) AS u(id, embedding)
    WHERE c.id = u.id`;
}
