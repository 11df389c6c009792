import { z } from "zod";
import type { JobCatalog } from "../queue/job-queue.ts";

/**
 * Every job Tandem runs, with the zod schema of its payload. Payloads carry ids only; handlers reload
 * what they need, so a job never acts on a stale copy.
 */
export const jobCatalog = {
  /** Recomputes a knowledge base's document, chunk and token totals from its rows. */
  "recount-knowledge-base": z.object({ knowledgeBaseId: z.string().uuid() }).strict(),
  /**
   * Parses, chunks, embeds and indexes documents of a knowledge base (or resumes where an earlier try
   * stopped). Several documents per job, so that their chunks are written in a few statements; each
   * document still succeeds or fails on its own.
   */
  "ingest-documents": z.object({ documentIds: z.array(z.string().uuid()).min(1).max(200) }).strict(),
  /** Executes (or resumes) a workflow run. */
  "run-workflow": z.object({ runId: z.string().uuid() }).strict(),
  /** Sends a finished API run to its callback URL, signed; retried with backoff. */
  "deliver-run-callback": z.object({ runId: z.string().uuid() }).strict(),
} as const satisfies JobCatalog;

export type TandemJobCatalog = typeof jobCatalog;
