import { indexChunkTerms, keywordSearch, openDatabase } from "@tandem/db";

export interface SqlKeywordIndex {
  /** Ranked corpus ids for analyzed query terms. */
  search(terms: readonly string[], limit: number): Promise<string[]>;
  /** Seconds spent writing the chunks and their terms. */
  indexSeconds: number;
  close(): Promise<void>;
}

/**
 * The product's keyword path: each corpus document becomes one chunk on embedded PGlite, indexed with
 * `indexChunkTerms` and searched with `keywordSearch` (BM25 in SQL, the same k1 and b as in memory).
 */
export async function createSqlKeywordIndex(documents: ReadonlyArray<{ id: string; text: string; terms: readonly string[] }>): Promise<SqlKeywordIndex> {
  const database = await openDatabase({ dataDir: "memory://" });
  const { prisma } = database;
  const started = performance.now();
  const { id: workspaceId } = await prisma.workspace.create({ data: { name: "Bench", slug: "bench" } });
  const { id: knowledgeBaseId } = await prisma.knowledgeBase.create({ data: { workspaceId, name: "SciFact" } });
  const document = await prisma.document.create({
    data: { workspaceId, knowledgeBaseId, name: "corpus.jsonl", mimeType: "application/jsonl", sizeBytes: 0, storageKey: "scifact", contentHash: "scifact" },
  });
  const chunks = await prisma.chunk.createManyAndReturn({
    data: documents.map((entry, position) => ({ workspaceId, knowledgeBaseId, documentId: document.id, position, text: entry.text })),
    select: { id: true, position: true },
  });
  const corpusIdOf = new Map<string, string>();
  for (const chunk of chunks) {
    const entry = documents[chunk.position];
    if (!entry) continue;
    corpusIdOf.set(chunk.id, entry.id);
    await indexChunkTerms(prisma, { workspaceId, knowledgeBaseId, chunkId: chunk.id, terms: entry.terms });
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
