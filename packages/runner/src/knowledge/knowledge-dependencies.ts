import type { PrismaClient } from "@tandem/db";
import type { EngineServicesFactory } from "../runs/engine-services.ts";
import type { TandemJobCatalog } from "../jobs/job-catalog.ts";
import type { JobQueue } from "../queue/job-queue.ts";

/** What the knowledge functions need, given once at composition. */
export interface KnowledgeDependencies {
  prisma: PrismaClient;
  queue: JobQueue<TandemJobCatalog>;
  /** The workspace's model gateway (embeddings, rerank) comes from its engine services. */
  servicesFor: EngineServicesFactory;
}

/** Tries an ingestion job gets before its documents are marked failed. */
export const INGEST_ATTEMPTS = 3;
/** Documents per ingestion job: enough to write in few statements, few enough to report progress often. */
export const INGEST_BATCH_DOCUMENTS = 50;
/** Bytes of files per ingestion job, so a batch of large PDFs does not hold one worker for long. */
export const INGEST_BATCH_BYTES = 16 * 1024 * 1024;

/** Enqueues ingestion for documents, in batches of at most INGEST_BATCH_DOCUMENTS and INGEST_BATCH_BYTES. */
export async function enqueueIngestion(
  queue: JobQueue<TandemJobCatalog>,
  documents: ReadonlyArray<{ id: string; sizeBytes: number }>,
): Promise<number> {
  const batches: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const document of documents) {
    if (current.length > 0 && (current.length >= INGEST_BATCH_DOCUMENTS || bytes + document.sizeBytes > INGEST_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(document.id);
    bytes += document.sizeBytes;
  }
  if (current.length > 0) batches.push(current);
  if (batches.length > 0) {
    await queue.enqueueMany(
      batches.map((documentIds) => ({
        name: "ingest-documents" as const,
        payload: { documentIds },
        options: { attempts: INGEST_ATTEMPTS, backoff: { type: "exponential" as const, delayMs: 2_000 } },
      })),
    );
  }
  return batches.length;
}
