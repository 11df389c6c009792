import { recountKnowledgeBase, type SecretBox } from "@tandem/db";
import { deliverRunCallbackJob } from "../app-runs/deliver-run-callback.job.ts";
import type { JobHandlers } from "../queue/job-queue.ts";
import type { TandemJobCatalog } from "./job-catalog.ts";
import { runWorkflowJob, type RunWorkflowJobDependencies } from "./run-workflow.job.ts";
import { ingestDocumentsJob } from "../knowledge/ingest-documents.job.ts";

import type { PreparationPool } from "../knowledge/preparation/create-preparation-pool.ts";

export type JobDependencies = RunWorkflowJobDependencies & {
  /** Parses and chunks uploaded documents off the main thread. */
  preparation: PreparationPool;
  /** Signs run callbacks. */
  secrets: SecretBox;
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
    "deliver-run-callback": ({ runId }, context) => deliverRunCallbackJob(dependencies, runId, context),
  };
}
