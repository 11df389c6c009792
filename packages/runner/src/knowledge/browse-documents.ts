import { z } from "zod";
import { enqueueIngestion, type KnowledgeDependencies } from "./knowledge-dependencies.ts";
import { KnowledgeError } from "./knowledge-error.ts";
import { requireKnowledgeBase } from "./manage-knowledge-bases.ts";

export interface DocumentView {
  id: string;
  name: string;
  mimeType: string;
  sizeBytes: number;
  status: "queued" | "processing" | "ready" | "failed";
  stage: "stored" | "parsing" | "chunking" | "embedding" | "indexing" | "done";
  progress: number;
  error: string | null;
  errorCode: string | null;
  attempts: number;
  tags: string[];
  metadata: unknown;
  chunkCount: number;
  tokenCount: number;
  createdAt: Date;
  processedAt: Date | null;
}

const documentSelect = {
  id: true,
  name: true,
  mimeType: true,
  sizeBytes: true,
  status: true,
  stage: true,
  progress: true,
  error: true,
  errorCode: true,
  attempts: true,
  tags: true,
  metadata: true,
  chunkCount: true,
  tokenCount: true,
  createdAt: true,
  processedAt: true,
} as const;

const pageSchema = z.object({
  limit: z.number().int().min(1).max(500).default(100),
  offset: z.number().int().min(0).default(0),
  status: z.enum(["queued", "processing", "ready", "failed"]).optional(),
});

/** A knowledge base's documents with their ingestion status, newest first, a page at a time. */
export async function listDocuments(
  dependencies: KnowledgeDependencies,
  workspaceId: string,
  knowledgeBaseId: string,
  page: z.input<typeof pageSchema> = {},
): Promise<{ documents: DocumentView[]; total: number }> {
  await requireKnowledgeBase(dependencies, workspaceId, knowledgeBaseId);
  const { limit, offset, status } = pageSchema.parse(page);
  const where = { knowledgeBaseId, ...(status ? { status } : {}) };
  const [documents, total] = await Promise.all([
    dependencies.prisma.document.findMany({ where, select: documentSelect, orderBy: [{ createdAt: "desc" }, { id: "asc" }], take: limit, skip: offset }),
    dependencies.prisma.document.count({ where }),
  ]);
  return { documents, total };
}

async function requireDocument(dependencies: KnowledgeDependencies, workspaceId: string, documentId: string) {
  const row = z.string().uuid().safeParse(documentId).success
    ? await dependencies.prisma.document.findFirst({ where: { id: documentId, workspaceId }, select: { ...documentSelect, knowledgeBaseId: true } })
    : null;
  if (!row) throw new KnowledgeError("not_found", `Document ${documentId} does not exist in this workspace.`);
  return row;
}

export async function getDocument(dependencies: KnowledgeDependencies, workspaceId: string, documentId: string): Promise<DocumentView & { knowledgeBaseId: string }> {
  return requireDocument(dependencies, workspaceId, documentId);
}

/** The chunks of a document in order, with parent-child structure, for browsing in the studio. */
export async function listChunks(
  dependencies: KnowledgeDependencies,
  workspaceId: string,
  documentId: string,
  page: { limit?: number; offset?: number } = {},
): Promise<{ chunks: Array<{ id: string; position: number; text: string; tokenCount: number; isParent: boolean; parentId: string | null; metadata: unknown }>; total: number }> {
  await requireDocument(dependencies, workspaceId, documentId);
  const { limit, offset } = pageSchema.parse(page);
  const where = { documentId };
  const [chunks, total] = await Promise.all([
    dependencies.prisma.chunk.findMany({
      where,
      select: { id: true, position: true, text: true, tokenCount: true, isParent: true, parentId: true, metadata: true },
      orderBy: { position: "asc" },
      take: limit,
      skip: offset,
    }),
    dependencies.prisma.chunk.count({ where }),
  ]);
  return { chunks, total };
}

/** Deletes a document with its file, chunks and postings (the knowledge base's counts follow). */
export async function deleteDocument(dependencies: KnowledgeDependencies, workspaceId: string, documentId: string): Promise<void> {
  await requireDocument(dependencies, workspaceId, documentId);
  await dependencies.prisma.document.deleteMany({ where: { id: documentId, workspaceId } });
}

/** Queues a document for ingestion again (after a failure, or to rebuild it); resumes where it can. */
export async function retryDocument(dependencies: KnowledgeDependencies, workspaceId: string, documentId: string): Promise<DocumentView> {
  const document = await requireDocument(dependencies, workspaceId, documentId);
  await dependencies.prisma.document.update({ where: { id: documentId }, data: { status: "queued", error: null, errorCode: null } });
  await enqueueIngestion(dependencies.queue, [{ id: document.id, sizeBytes: document.sizeBytes }]);
  return { ...document, status: "queued", error: null, errorCode: null };
}

/**
 * In-process jobs live in memory: documents still queued or processing when the server stopped are
 * queued again at start-up, and resume (BullMQ recovers its own stalled jobs).
 */
export async function recoverUnfinishedIngestions(dependencies: KnowledgeDependencies): Promise<number> {
  const documents = await dependencies.prisma.document.findMany({
    where: { status: { in: ["queued", "processing"] } },
    select: { id: true, sizeBytes: true },
    orderBy: { createdAt: "asc" },
  });
  await enqueueIngestion(dependencies.queue, documents);
  return documents.length;
}
