import type { PrismaClient } from "../../client/create-prisma-client.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { documentFilterSql, type DocumentFilter } from "./document-filter.ts";

export interface KeywordSearchOptions {
  /** The knowledge bases searched together; N, average length and document frequency are taken over all of them. */
  knowledgeBaseIds: readonly string[];
  /** Analyzed query terms (the same analyzer as at indexing); repeats count once. */
  terms: readonly string[];
  /** Term-frequency saturation; 0.9 is Pyserini's BEIR setting. */
  k1?: number;
  /** Length normalisation; 0.4 is Pyserini's BEIR setting. */
  b?: number;
  limit?: number;
  /**
   * Only return chunks of documents that pass this filter. The collection statistics stay those of
   * the whole knowledge bases, so a filtered score equals the unfiltered one.
   */
  filter?: DocumentFilter | undefined;
}

export interface KeywordHit {
  chunkId: string;
  documentId: string;
  score: number;
}

/**
 * BM25 over the `chunk_terms` keyword index, in one statement, with Lucene's idf
 * ln(1 + (N − df + 0.5) / (df + 0.5)) and tf · (k1 + 1) / (tf + k1 · (1 − b + b · dl / avgdl)).
 * N and the total length come from the knowledge bases' trigger-kept counters (no scan of chunks), df
 * from an index-only count on (knowledge_base_id, term), tf and dl from the postings themselves, so
 * only the postings of the query's terms are read. Postgres's `ts_rank` has no idf and no length
 * normalisation of this kind, hence the explicit formula; it matches the in-memory reference
 * (`createBm25Index` in @tandem/knowledge) to floating-point rounding.
 */
export async function keywordSearch(prisma: PrismaClient, options: KeywordSearchOptions): Promise<KeywordHit[]> {
  const terms = [...new Set(options.terms)];
  if (terms.length === 0 || options.knowledgeBaseIds.length === 0) return [];
  const knowledgeBaseIds = [...options.knowledgeBaseIds];
  const k1 = options.k1 ?? 0.9;
  const b = options.b ?? 0.4;
  const limit = options.limit ?? 10;
  const filtered =
    options.filter && options.filter.conditions.length > 0
      ? Prisma.sql`AND ct.document_id IN (
          SELECT d.id FROM documents d
          WHERE d.knowledge_base_id = ANY(${knowledgeBaseIds}::uuid[]) AND (${documentFilterSql(options.filter)}))`
      : Prisma.empty;
  const rows = await prisma.$queryRaw<Array<{ chunk_id: string; document_id: string; score: number }>>`
    WITH stats AS (
      SELECT sum(kb.chunk_count)::float8 AS n,
        (sum(kb.keyword_term_total)::float8 / nullif(sum(kb.chunk_count), 0)::float8) AS avgdl
      FROM knowledge_bases kb
      WHERE kb.id = ANY(${knowledgeBaseIds}::uuid[])
    ),
    frequencies AS (
      SELECT ct.term, count(*)::float8 AS df
      FROM chunk_terms ct
      WHERE ct.knowledge_base_id = ANY(${knowledgeBaseIds}::uuid[]) AND ct.term = ANY(${terms}::text[])
      GROUP BY ct.term
    )
    SELECT ct.chunk_id::text AS chunk_id, ct.document_id::text AS document_id,
      sum(
        ln(1 + (s.n - f.df + 0.5) / (f.df + 0.5))
        * ct.frequency * (${k1}::float8 + 1)
        / (ct.frequency + ${k1}::float8 * (1 - ${b}::float8 + ${b}::float8 * ct.chunk_length / nullif(s.avgdl, 0)))
      )::float8 AS score
    FROM chunk_terms ct
    JOIN frequencies f ON f.term = ct.term
    CROSS JOIN stats s
    WHERE ct.knowledge_base_id = ANY(${knowledgeBaseIds}::uuid[]) AND ct.term = ANY(${terms}::text[])
      ${filtered}
    GROUP BY ct.chunk_id, ct.document_id
    ORDER BY score DESC, ct.chunk_id
    LIMIT ${limit}`;
  return rows.map((row) => ({ chunkId: row.chunk_id, documentId: row.document_id, score: Number(row.score) }));
}
