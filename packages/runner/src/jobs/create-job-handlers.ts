import { recountKnowledgeBase, type SecretBox } from "@tandem/db";
import { deliverRunCallbackJob } from "../app-runs/deliver-run-callback.job.ts";
import { DEFAULT_ATTEMPTS, isShutdownAbort, type JobHandlers } from "../queue/job-queue.ts";
import { recordRunEnd } from "../runs/run-event-recorder.ts";
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
    "run-workflow": async ({ runId }, { signal, attempt }) => {
      try {
        return await runWorkflowJob(dependencies, runId, signal);
      } catch (error) {
        // The last try failed for a reason of the machine, not of the workflow (a lost database, a
        // crash): the run is marked failed, so that no one waits for it for ever.
        if (attempt >= DEFAULT_ATTEMPTS && !isShutdownAbort(signal)) await failRun(dependencies, runId, error);
        throw error;
      }
    },
    "deliver-run-callback": ({ runId }, context) => deliverRunCallbackJob(dependencies, runId, context),
  };
}

/** Marks an unfinished run failed, with its last event, after its job gave up. */
async function failRun(dependencies: JobDependencies, runId: string, cause: unknown): Promise<void> {
  try {
    const run = await dependencies.prisma.run.findUnique({ where: { id: runId }, select: { status: true, workspaceId: true, startedAt: true } });
    if (!run || run.status === "succeeded" || run.status === "failed" || run.status === "stopped") return;
    const error = `The run could not be completed: ${cause instanceof Error ? cause.message : String(cause)}`;
    const elapsedMs = run.startedAt ? Date.now() - run.startedAt.getTime() : 0;
    await recordRunEnd(
      { prisma: dependencies.prisma, batcher: dependencies.batcher, bus: dependencies.bus, runId, workspaceId: run.workspaceId },
      { type: "run-error", runId, at: Date.now(), error, elapsedMs, totalSteps: 0, totalTokens: 0 },
      { status: "failed", error, elapsed_ms: elapsedMs, finished_at: new Date().toISOString() },
    );
  } catch (error) {
    console.error(JSON.stringify({ event: "run-fail-record-failed", runId, error: String(error) }));
  }
}
