import { recountKnowledgeBase } from "@tandem/db";
import type { JobHandlers } from "../queue/job-queue.ts";
import type { TandemJobCatalog } from "./job-catalog.ts";
import { runWorkflowJob, type RunWorkflowJobDependencies } from "./run-workflow.job.ts";
import { ingestDocumentsJob } from "../knowledge/ingest-documents.job.ts";

import type { PreparationPool } from "../knowledge/preparation/create-preparation-pool.ts";

export type JobDependencies = RunWorkflowJobDependencies & {
  /** Parses and chunks uploaded documents off the main thread. */
  preparation: PreparationPool;
};

/** The handler for each job in the catalog, wired to its dependencies. */
export function createJobHandlers(dependencies: JobDependencies): JobHandlers<TandemJobCatalog> {
  return {
    "recount-knowledge-base": async ({ knowledgeBaseId }) => {
      // A knowledge base deleted meanwhile is not an error: there is nothing left to count.
      const counts = await recountKnowledgeBase(dependencies.prisma, knowledgeBaseId);
      return counts ?? { skipped: "knowledge base no longer exists" };
    },
    "ingest-documents": ({ documentIds }, context) => ingestDocumentsJob(dependencies, documentIds, context),
    "run-workflow": ({ runId }, { signal }) => runWorkflowJob(dependencies, runId, signal),
  };
}
