import { randomUUID } from "node:crypto";
import { openDatabase, recountKnowledgeBase, type Database, type PrismaClient } from "@tandem/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let database: Database;
let prisma: PrismaClient;
let workspaceId = "";

beforeAll(async () => {
  database = await openDatabase({ dataDir: "memory://" });
  prisma = database.prisma;
  workspaceId = (await prisma.workspace.create({ data: { name: "Recount", slug: "recount" } })).id;
});

afterAll(async () => {
  await database?.close();
});

/** A knowledge base whose stored counts are wrong on purpose, holding documents with the given chunk token counts. */
async function seedKnowledgeBase(chunkTokensPerDocument: readonly (readonly number[])[]): Promise<string> {
  const staleCounts = { documentCount: 99, chunkCount: 99, tokenCount: 99, updatedAt: new Date("2024-01-01T00:00:00Z") };
  const { id: knowledgeBaseId } = await prisma.knowledgeBase.create({ data: { workspaceId, name: "Handbook", ...staleCounts } });
  for (const [index, chunkTokens] of chunkTokensPerDocument.entries()) {
    const key = `${knowledgeBaseId}/${index}`;
    const document = await prisma.document.create({
      data: { workspaceId, knowledgeBaseId, name: `${index}.txt`, mimeType: "text/plain", sizeBytes: 10, storageKey: key, contentHash: key },
    });
    await prisma.chunk.createMany({
      data: chunkTokens.map((tokenCount, position) => ({ workspaceId, knowledgeBaseId, documentId: document.id, position, text: "text", tokenCount })),
    });
  }
  return knowledgeBaseId;
}

describe("recountKnowledgeBase", () => {
  it("sets the document, chunk and token counts from the rows, and stores them", async () => {
    // The third document has no chunks yet (still ingesting): it counts as a document only.
    const knowledgeBaseId = await seedKnowledgeBase([[5, 7], [11], []]);
    const neighbour = await seedKnowledgeBase([[1_000, 2_000]]);
    const neighbourBefore = await prisma.knowledgeBase.findUniqueOrThrow({ where: { id: neighbour } });

    expect(await recountKnowledgeBase(prisma, knowledgeBaseId)).toEqual({ documentCount: 3, chunkCount: 3, tokenCount: 23 });
    const stored = await prisma.knowledgeBase.findUniqueOrThrow({ where: { id: knowledgeBaseId } });
    expect(stored).toMatchObject({ documentCount: 3, chunkCount: 3, tokenCount: 23 });
    expect(stored.updatedAt.getTime()).toBeGreaterThan(new Date("2024-01-01T00:00:00Z").getTime());

    // Only the knowledge base asked about changes (the neighbour keeps its stale counts, which the
    // triggers moved on from 99 as its rows arrived).
    expect(await prisma.knowledgeBase.findUniqueOrThrow({ where: { id: neighbour } })).toEqual(neighbourBefore);
    expect(neighbourBefore).toMatchObject({ documentCount: 100, chunkCount: 101, tokenCount: 3_099 });
  });

  it("follows deletes", async () => {
    const knowledgeBaseId = await seedKnowledgeBase([[5, 7], [11]]);
    await prisma.document.deleteMany({ where: { knowledgeBaseId, name: "0.txt" } });
    expect(await recountKnowledgeBase(prisma, knowledgeBaseId)).toEqual({ documentCount: 1, chunkCount: 1, tokenCount: 11 });
  });

  it("counts an empty knowledge base as zeros", async () => {
    const knowledgeBaseId = await seedKnowledgeBase([]);
    expect(await recountKnowledgeBase(prisma, knowledgeBaseId)).toEqual({ documentCount: 0, chunkCount: 0, tokenCount: 0 });
  });

  it("returns null for a knowledge base that does not exist", async () => {
    expect(await recountKnowledgeBase(prisma, randomUUID())).toBeNull();
  });
});
