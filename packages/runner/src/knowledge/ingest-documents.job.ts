import {
  ensureVectorIndex,
  setDocumentStates,
  writeDocumentChunks,
  writeEmbeddings,
  type ChunkToWrite,
  type DocumentState,
  type KnowledgeBase,
  type PrismaClient,
} from "@tandem/db";
import type { PreparationPool } from "./preparation/create-preparation-pool.ts";
import type { JobContext } from "../queue/job-queue.ts";
import { INGEST_ATTEMPTS, type KnowledgeDependencies } from "./knowledge-dependencies.ts";

export type IngestDependencies = Pick<KnowledgeDependencies, "prisma" | "servicesFor"> & { preparation: PreparationPool };
import { indexSignature, readKnowledgeBaseSettings, type KnowledgeBaseSettings } from "./knowledge-base-settings.ts";

/** Chunks embedded per request round: progress is reported after each. */
const EMBED_ROUND = 256;

interface DocumentRow {
  id: string;
  workspaceId: string;
  knowledgeBaseId: string;
  name: string;
  mimeType: string;
  status: string;
  stage: string;
  indexSignature: string | null;
  chunkCount: number;
  knowledgeBase: KnowledgeBase;
}

export interface IngestOutcome {
  ready: number;
  failed: number;
  skipped: number;
  missing: number;
}

/**
 * The `ingest-documents` job: store → parse → chunk → (embed) → index, with every document's status,
 * stage and progress written as it goes. Safe to run again at any point:
 * - a document already indexed with its knowledge base's current settings is skipped;
 * - chunks are replaced per document, never appended, so a retry cannot duplicate them;
 * - a document whose chunks were written but not all embedded resumes at embedding, with only the
 *   chunks that lack a vector sent to the model.
 * A document that cannot be parsed fails alone with the parser's reason; an embedding failure is
 * retried by the queue and marks its documents failed only on the last try.
 */
export async function ingestDocumentsJob(
  dependencies: IngestDependencies,
  documentIds: readonly string[],
  context: Pick<JobContext, "signal" | "attempt">,
): Promise<IngestOutcome> {
  const { prisma } = dependencies;
  const rows: DocumentRow[] = await prisma.document.findMany({
    where: { id: { in: [...documentIds] } },
    select: {
      id: true,
      workspaceId: true,
      knowledgeBaseId: true,
      name: true,
      mimeType: true,
      status: true,
      stage: true,
      indexSignature: true,
      chunkCount: true,
      knowledgeBase: true,
    },
  });
  const outcome: IngestOutcome = { ready: 0, failed: 0, skipped: 0, missing: documentIds.length - rows.length };
  const byKnowledgeBase = new Map<string, DocumentRow[]>();
  for (const row of rows) byKnowledgeBase.set(row.knowledgeBaseId, [...(byKnowledgeBase.get(row.knowledgeBaseId) ?? []), row]);
  for (const documents of byKnowledgeBase.values()) {
    const result = await ingestKnowledgeBaseBatch(dependencies, documents, context);
    outcome.ready += result.ready;
    outcome.failed += result.failed;
    outcome.skipped += result.skipped;
    outcome.missing += result.missing;
  }
  return outcome;
}

async function ingestKnowledgeBaseBatch(
  dependencies: IngestDependencies,
  documents: readonly DocumentRow[],
  context: Pick<JobContext, "signal" | "attempt">,
): Promise<IngestOutcome> {
  const { prisma } = dependencies;
  const knowledgeBase = (documents[0] as DocumentRow).knowledgeBase;
  const settings = readKnowledgeBaseSettings(knowledgeBase);
  const signature = indexSignature(settings);
  const embeds = settings.indexMode === "high_quality";
  const outcome: IngestOutcome = { ready: 0, failed: 0, skipped: 0, missing: 0 };

  const current = documents.filter((document) => document.indexSignature === signature);
  const done = current.filter((document) => document.status === "ready");
  outcome.skipped = done.length;
  // Chunks written with these settings, embeddings unfinished: resume at embedding.
  const resume = current.filter((document) => document.status !== "ready" && embeds && document.stage === "embedding");
  const fresh = documents.filter((document) => !done.includes(document) && !resume.includes(document));
  if (fresh.length === 0 && resume.length === 0) return outcome;

  await prisma.document.updateMany({
    where: { id: { in: [...fresh, ...resume].map((document) => document.id) } },
    data: { status: "processing", processingStartedAt: new Date(), attempts: { increment: 1 } },
  });
  await setDocumentStates(prisma, fresh.map((document) => ({ id: document.id, status: "processing", stage: "parsing", progress: 5, error: null, errorCode: null })));

  const states = new Map<string, DocumentState>();
  const parsed = await parseAndChunk(dependencies, fresh, settings, context.signal);
  for (const failure of parsed.failures) {
    states.set(failure.id, { id: failure.id, status: "failed", stage: "parsing", progress: 0, error: failure.message, errorCode: failure.code, processed: true });
  }
  const written = await writeChunks(prisma, knowledgeBase, parsed.documents);
  for (const failure of written.failures) {
    states.set(failure.id, { id: failure.id, status: "failed", stage: "indexing", progress: 0, error: failure.message, errorCode: "indexing_failed", processed: true });
  }
  outcome.missing += written.missing.length;
  for (const document of written.documents) {
    states.set(document.documentId, {
      id: document.documentId,
      status: embeds ? "processing" : "ready",
      stage: embeds ? "embedding" : "done",
      progress: embeds ? 40 : 100,
      chunkCount: document.chunkCount,
      tokenCount: document.tokenCount,
      indexSignature: signature,
      error: null,
      errorCode: null,
      processed: !embeds,
    });
  }
  await setDocumentStates(prisma, [...states.values()]);
  outcome.failed += [...states.values()].filter((state) => state.status === "failed").length;
  if (!embeds) {
    outcome.ready += written.documents.length;
    return outcome;
  }

  const toEmbed = [...written.documents.map((document) => document.documentId), ...resume.map((document) => document.id)];
  const embedded = await embedDocuments(dependencies, knowledgeBase, settings, toEmbed, context);
  outcome.ready += embedded.ready;
  outcome.failed += embedded.failed;
  return outcome;
}

interface ParsedDocument {
  documentId: string;
  chunks: ChunkToWrite[];
  tokenCount: number;
}

/** Prepares the documents' chunks on the worker threads, all at once; each succeeds or fails alone. */
async function parseAndChunk(
  dependencies: IngestDependencies,
  documents: readonly DocumentRow[],
  settings: KnowledgeBaseSettings,
  signal: AbortSignal,
): Promise<{ documents: ParsedDocument[]; failures: Array<{ id: string; code: string; message: string }> }> {
  if (documents.length === 0) return { documents: [], failures: [] };
  const files = await dependencies.prisma.documentFile.findMany({ where: { documentId: { in: documents.map((document) => document.id) } } });
  const bytesOf = new Map(files.map((file) => [file.documentId, file.content]));
  const result: { documents: ParsedDocument[]; failures: Array<{ id: string; code: string; message: string }> } = { documents: [], failures: [] };
  const prepared = await Promise.all(
    documents.map(async (document) => {
      const bytes = bytesOf.get(document.id);
      if (!bytes) return { document, outcome: { ok: false as const, code: "file_missing", message: `The file of ${document.name} is missing: upload it again.` } };
      return { document, outcome: await dependencies.preparation.prepare({ name: document.name, mimeType: document.mimeType, bytes, chunking: settings.chunking }) };
    }),
  );
  signal.throwIfAborted();
  for (const { document, outcome } of prepared) {
    if (outcome.ok) result.documents.push({ documentId: document.id, chunks: outcome.chunks, tokenCount: outcome.tokenCount });
    else result.failures.push({ id: document.id, code: outcome.code, message: outcome.message });
  }
  return result;
}

/**
 * Writes all parsed documents in one transaction; if that fails (a document deleted meanwhile, say),
 * each is written alone so that one document's problem cannot fail the others.
 */
async function writeChunks(
  prisma: PrismaClient,
  knowledgeBase: KnowledgeBase,
  documents: readonly ParsedDocument[],
): Promise<{
  documents: Array<{ documentId: string; chunkCount: number; tokenCount: number }>;
  failures: Array<{ id: string; message: string }>;
  missing: string[];
}> {
  const summary = (document: ParsedDocument) => ({
    documentId: document.documentId,
    chunkCount: document.chunks.filter((chunk) => chunk.isParent !== true).length,
    tokenCount: document.tokenCount,
  });
  const base = { workspaceId: knowledgeBase.workspaceId, knowledgeBaseId: knowledgeBase.id };
  if (documents.length === 0) return { documents: [], failures: [], missing: [] };
  try {
    await writeDocumentChunks(prisma, { ...base, documents });
    return { documents: documents.map(summary), failures: [], missing: [] };
  } catch {
    const result = { documents: [] as Array<ReturnType<typeof summary>>, failures: [] as Array<{ id: string; message: string }>, missing: [] as string[] };
    for (const document of documents) {
      try {
        await writeDocumentChunks(prisma, { ...base, documents: [document] });
        result.documents.push(summary(document));
      } catch (error) {
        const exists = (await prisma.document.count({ where: { id: document.documentId } })) > 0;
        if (!exists) result.missing.push(document.documentId);
        else result.failures.push({ id: document.documentId, message: `Indexing failed: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
    return result;
  }
}

async function embedDocuments(
  dependencies: IngestDependencies,
  knowledgeBase: KnowledgeBase,
  settings: KnowledgeBaseSettings,
  documentIds: readonly string[],
  context: Pick<JobContext, "signal" | "attempt">,
): Promise<{ ready: number; failed: number }> {
  const { prisma } = dependencies;
  if (documentIds.length === 0) return { ready: 0, failed: 0 };
  const model = settings.embeddingModel as string;
  const pending = await prisma.chunk.findMany({
    where: { documentId: { in: [...documentIds] }, isParent: false },
    select: { id: true, documentId: true, text: true },
    orderBy: [{ documentId: "asc" }, { position: "asc" }],
  });
  // Which chunks still lack a vector (Prisma cannot read the vector column itself).
  const missing = new Set(
    (
      await prisma.$queryRaw<Array<{ id: string }>>`
        SELECT id::text AS id FROM chunks WHERE document_id = ANY(${[...documentIds]}::uuid[]) AND NOT is_parent AND embedding IS NULL`
    ).map((row) => row.id),
  );
  const totals = new Map<string, { total: number; done: number }>();
  for (const chunk of pending) {
    const entry = totals.get(chunk.documentId) ?? { total: 0, done: 0 };
    entry.total += 1;
    if (!missing.has(chunk.id)) entry.done += 1;
    totals.set(chunk.documentId, entry);
  }
  const queue = pending.filter((chunk) => missing.has(chunk.id));
  const services = await dependencies.servicesFor({ id: knowledgeBase.workspaceId, settings: await workspaceSettings(prisma, knowledgeBase.workspaceId) });
  let dimensions = knowledgeBase.embeddingDimensions;
  try {
    for (let start = 0; start < queue.length; start += EMBED_ROUND) {
      context.signal.throwIfAborted();
      const round = queue.slice(start, start + EMBED_ROUND);
      const { vectors } = await services.models.embed({ model, texts: round.map((chunk) => chunk.text), signal: context.signal, private: settings.private });
      const size = vectors[0]?.length ?? 0;
      if (dimensions === null) {
        dimensions = size;
        // The first vectors fix the knowledge base's dimensions, unless another job fixed them first.
        await prisma.knowledgeBase.updateMany({ where: { id: knowledgeBase.id, embeddingDimensions: null }, data: { embeddingDimensions: size } });
        dimensions = (await prisma.knowledgeBase.findUniqueOrThrow({ where: { id: knowledgeBase.id }, select: { embeddingDimensions: true } })).embeddingDimensions ?? size;
      }
      const wrong = vectors.find((vector) => vector.length !== dimensions);
      if (wrong) {
        throw new EmbeddingMismatchError(
          `${model} returned ${wrong.length}-dimensional vectors, but this knowledge base holds ${dimensions}-dimensional ones. Change the embedding model back, or set the new one in the knowledge base settings to re-index everything.`,
        );
      }
      await ensureVectorIndex(prisma, knowledgeBase.id, dimensions);
      await writeEmbeddings(prisma, round.map((chunk, index) => ({ chunkId: chunk.id, vector: vectors[index] as number[] })));
      for (const chunk of round) {
        const entry = totals.get(chunk.documentId);
        if (entry) entry.done += 1;
      }
      await setDocumentStates(
        prisma,
        [...new Set(round.map((chunk) => chunk.documentId))].map((id) => {
          return { id, status: "processing", stage: "embedding", progress: progressOf(totals.get(id)) };
        }),
      );
    }
  } catch (error) {
    if (context.signal.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const final = error instanceof EmbeddingMismatchError || context.attempt >= INGEST_ATTEMPTS;
    await setDocumentStates(
      prisma,
      documentIds.map((id) => ({
        id,
        status: final ? "failed" : "processing",
        stage: "embedding",
        // What was embedded stays embedded (and is not sent again): the progress stays where it got to.
        progress: progressOf(totals.get(id)),
        error: final ? `Embedding failed: ${message}` : `Embedding failed (try ${context.attempt} of ${INGEST_ATTEMPTS}, retrying): ${message}`,
        errorCode: "embedding_failed",
        processed: final,
      })),
    );
    if (final) return { ready: 0, failed: documentIds.length };
    throw error;
  }
  await setDocumentStates(
    prisma,
    documentIds.map((id) => ({ id, status: "ready", stage: "done", progress: 100, error: null, errorCode: null, processed: true })),
  );
  return { ready: documentIds.length, failed: 0 };
}

/** Embedding is the last 60% of a document's progress. */
function progressOf(entry: { total: number; done: number } | undefined): number {
  if (!entry || entry.total === 0) return 40;
  return Math.min(99, 40 + (60 * entry.done) / entry.total);
}

class EmbeddingMismatchError extends Error {
  override readonly name = "EmbeddingMismatchError";
}

async function workspaceSettings(prisma: PrismaClient, workspaceId: string): Promise<unknown> {
  return (await prisma.workspace.findUnique({ where: { id: workspaceId }, select: { settings: true } }))?.settings ?? {};
}
