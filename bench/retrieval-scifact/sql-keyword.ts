import { keywordSearch, openDatabase, writeDocumentChunks } from "@tandem/db";

export interface SqlKeywordIndex {
  /** Ranked corpus ids for analyzed query terms. */
  search(terms: readonly string[], limit: number): Promise<string[]>;
  /** Seconds spent writing the chunks and their terms. */
  indexSeconds: number;
  close(): Promise<void>;
}

/**
 * The product's keyword path: each corpus document becomes one chunk on embedded PGlite, written with
 * `writeDocumentChunks` (500 documents a transaction) and searched with `keywordSearch` (BM25 in SQL,
 * the same k1 and b as in memory).
 */
export async function createSqlKeywordIndex(documents: ReadonlyArray<{ id: string; text: string; terms: readonly string[] }>): Promise<SqlKeywordIndex> {
  const database = await openDatabase({ dataDir: "memory://" });
  const { prisma } = database;
  const started = performance.now();
  const { id: workspaceId } = await prisma.workspace.create({ data: { name: "Bench", slug: "bench" } });
  const { id: knowledgeBaseId } = await prisma.knowledgeBase.create({ data: { workspaceId, name: "Corpus" } });
  const corpusIdOf = new Map<string, string>();
  const batchSize = 500;
  for (let start = 0; start < documents.length; start += batchSize) {
    const batch = documents.slice(start, start + batchSize);
    const rows = await prisma.document.createManyAndReturn({
      data: batch.map((entry) => ({
        workspaceId,
        knowledgeBaseId,
        name: entry.id,
        mimeType: "text/plain",
        sizeBytes: entry.text.length,
        storageKey: entry.id,
        contentHash: entry.id,
      })),
      select: { id: true, name: true },
    });
    const byName = new Map(batch.map((entry) => [entry.id, entry]));
    const written = await writeDocumentChunks(prisma, {
      workspaceId,
      knowledgeBaseId,
      documents: rows.map((row) => {
        const entry = byName.get(row.name);
        return { documentId: row.id, chunks: entry ? [{ position: 0, text: entry.text, tokenCount: 0, metadata: {}, terms: entry.terms }] : [] };
      }),
    });
    const nameOf = new Map(rows.map((row) => [row.id, row.name]));
    for (const chunk of written) corpusIdOf.set(chunk.id, nameOf.get(chunk.documentId) ?? chunk.documentId);
  }
  const indexSeconds = (performance.now() - started) / 1000;
  return {
    indexSeconds,
    async search(terms, limit) {
      const hits = await keywordSearch(prisma, { knowledgeBaseIds: [knowledgeBaseId], terms, limit });
      return hits.map((hit) => corpusIdOf.get(hit.chunkId) ?? hit.chunkId);
    },
    close: () => database.close(),
  };
}
