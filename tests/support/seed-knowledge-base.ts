import type { PrismaClient } from "@tandem/db";

/** A workspace with one knowledge base holding 2 documents and 3 chunks (5 + 7 + 11 tokens). */
export async function seedKnowledgeBase(prisma: PrismaClient): Promise<{ workspaceId: string; knowledgeBaseId: string }> {
  const workspace = await prisma.workspace.create({ data: { name: "Jobs", slug: `jobs-${crypto.randomUUID()}` } });
  const knowledgeBase = await prisma.knowledgeBase.create({ data: { workspaceId: workspace.id, name: "Handbook" } });
  const base = { workspaceId: workspace.id, knowledgeBaseId: knowledgeBase.id, mimeType: "text/plain", sizeBytes: 10 };
  const first = await prisma.document.create({ data: { ...base, name: "a.txt", storageKey: "a", contentHash: "a" } });
  const second = await prisma.document.create({ data: { ...base, name: "b.txt", storageKey: "b", contentHash: "b" } });
  const chunk = { workspaceId: workspace.id, knowledgeBaseId: knowledgeBase.id };
  await prisma.chunk.createMany({
    data: [
      { ...chunk, documentId: first.id, position: 0, text: "one", tokenCount: 5 },
      { ...chunk, documentId: first.id, position: 1, text: "two", tokenCount: 7 },
      { ...chunk, documentId: second.id, position: 0, text: "three", tokenCount: 11 },
    ],
  });
  return { workspaceId: workspace.id, knowledgeBaseId: knowledgeBase.id };
}
