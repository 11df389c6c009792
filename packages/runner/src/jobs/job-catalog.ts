import { z } from "zod";
import type { JobCatalog } from "../queue/job-queue.ts";

/**
 * Every job Tandem runs, with the zod schema of its payload. Payloads carry ids only; handlers reload
 * what they need, so a job never acts on a stale copy.
 */
export const jobCatalog = {
  /** Recomputes a knowledge base's document, chunk and token totals from its rows. */
  "recount-knowledge-base": z.object({ knowledgeBaseId: z.string().uuid() }).strict(),
  /** Executes (or resumes) a workflow run. */
  "run-workflow": z.object({ runId: z.string().uuid() }).strict(),
} as const satisfies JobCatalog;

export type TandemJobCatalog = typeof jobCatalog;
