import type { PrismaClient } from "@tandem/db";
import type { TandemJobCatalog } from "../jobs/job-catalog.ts";
import type { JobQueue } from "../queue/job-queue.ts";

/**
 * In-process jobs live in memory, so a restart forgets them. The database does not: every run still
 * queued or running when the server stopped is enqueued again, and resumes from its last checkpoint.
 * (BullMQ keeps its jobs in Redis and recovers stalled ones itself.)
 */
export async function recoverUnfinishedRuns(prisma: PrismaClient, queue: JobQueue<TandemJobCatalog>): Promise<number> {
  const runs = await prisma.run.findMany({ where: { status: { in: ["queued", "running"] } }, select: { id: true }, orderBy: { createdAt: "asc" } });
  if (runs.length > 0) {
    await queue.enqueueMany(runs.map((run) => ({ name: "run-workflow" as const, payload: { runId: run.id }, options: { jobId: runWorkflowJobId(run.id) } })));
  }
  return runs.length;
}

/** One job id per run, so enqueueing a run twice is harmless (BullMQ ids may not contain ":"). */
export function runWorkflowJobId(runId: string): string {
  return `run-workflow-${runId}`;
}
