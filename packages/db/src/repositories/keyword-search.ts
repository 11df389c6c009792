import type { PrismaClient } from "../client/create-prisma-client.ts";

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
   * Only return chunks of these documents. The collection statistics stay those of the whole knowledge
   * bases, so a filtered score equals the unfiltered one.
   */
  documentIds?: readonly string[] | undefined;
}

export interface KeywordHit {
  chunkId: string;
  documentId: string;
  score: number;
}

/**
 * BM25 over the `chunk_terms` keyword index, in one statement, with Lucene's idf
 * ln(1 + (N − df + 0.5) / (df + 0.5)) and tf · (k1 + 1) / (tf + k1 · (1 − b + b · dl / avgdl)):
 * N and avgdl from the chunks of the knowledge bases, df per query term from `chunk_terms`, tf from
 * `chunk_terms.frequency`, dl from `chunks.term_count`. Postgres's `ts_rank` has no idf and no length
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
  const documentIds = options.documentIds ? [...options.documentIds] : null;
  const rows = await prisma.$queryRaw<Array<{ chunk_id: string; document_id: string; score: number }>>`
    WITH stats AS (
      SELECT count(*)::float8 AS n, avg(c.term_count)::float8 AS avgdl
      FROM chunks c
      WHERE c.knowledge_base_id = ANY(${knowledgeBaseIds}::uuid[])
    ),
    frequencies AS (
      SELECT ct.term, count(*)::float8 AS df
      FROM chunk_terms ct
      WHERE ct.knowledge_base_id = ANY(${knowledgeBaseIds}::uuid[]) AND ct.term = ANY(${terms}::text[])
      GROUP BY ct.term
    )
    SELECT c.id::text AS chunk_id, c.document_id::text AS document_id,
      sum(
        ln(1 + (s.n - f.df + 0.5) / (f.df + 0.5))
        * ct.frequency * (${k1}::float8 + 1)
        / (ct.frequency + ${k1}::float8 * (1 - ${b}::float8 + ${b}::float8 * c.term_count / nullif(s.avgdl, 0)))
      )::float8 AS score
    FROM chunk_terms ct
    JOIN frequencies f ON f.term = ct.term
    JOIN chunks c ON c.id = ct.chunk_id
    CROSS JOIN stats s
    WHERE ct.knowledge_base_id = ANY(${knowledgeBaseIds}::uuid[]) AND ct.term = ANY(${terms}::text[])
      AND (${documentIds}::uuid[] IS NULL OR c.document_id = ANY(${documentIds}::uuid[]))
    GROUP BY c.id, c.document_id
    ORDER BY score DESC, c.id
    LIMIT ${limit}`;
  return rows.map((row) => ({ chunkId: row.chunk_id, documentId: row.document_id, score: Number(row.score) }));
}

export interface IndexChunkTermsInput {
  workspaceId: string;
  knowledgeBaseId: string;
  chunkId: string;
  /** The chunk's analyzed terms, repeats included: their count is the BM25 document length. */
  terms: readonly string[];
}

/**
 * Writes a chunk's keyword index: one `chunk_terms` row per distinct term with its frequency, and
 * `chunks.term_count`. Replaces what the chunk had, in one transaction, so re-indexing is idempotent.
 */
export async function indexChunkTerms(prisma: PrismaClient, input: IndexChunkTermsInput): Promise<void> {
  const frequencies = new Map<string, number>();
  for (const term of input.terms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
  const { workspaceId, knowledgeBaseId, chunkId } = input;
  await prisma.$transaction([
    prisma.chunkTerm.deleteMany({ where: { chunkId } }),
    prisma.chunkTerm.createMany({
      data: [...frequencies].map(([term, frequency]) => ({ workspaceId, knowledgeBaseId, chunkId, term, frequency })),
    }),
    prisma.chunk.update({ where: { id: chunkId }, data: { termCount: input.terms.length } }),
  ]);
}
