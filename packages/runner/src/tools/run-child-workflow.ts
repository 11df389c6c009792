import type { PrismaClient } from "@tandem/db";
import type { WorkflowDocument } from "@tandem/engine";
import { runWorkflowJob, type RunWorkflowJobDependencies } from "../jobs/run-workflow.job.ts";
import { createRun } from "../runs/create-run.ts";
import type { RunChildWorkflow } from "./workflow-tools.ts";

/**
 * Runs a published workflow called as a tool: a run of its own (trigger "tool", recorded like any
 * other), executed right here rather than through the queue, because the calling node waits for it
 * and a queue with every slot taken by waiting parents would never run the children.
 */
export function createChildWorkflowRunner(dependencies: () => RunWorkflowJobDependencies & { prisma: PrismaClient }): RunChildWorkflow {
  return async (request) => {
    const deps = dependencies();
    const run = await createRun(deps.prisma, {
      workspaceId: request.workspaceId,
      appId: request.appId,
      appVersionId: request.appVersionId,
      // Validated by the workflow tool before the call; the job validates it again.
      document: request.document as WorkflowDocument,
      inputs: request.inputs,
      trigger: "tool",
    });
    await runWorkflowJob(deps, run.id, request.signal, { callChain: request.callChain });
    const finished = await deps.prisma.run.findUniqueOrThrow({ where: { id: run.id }, select: { status: true, outputs: true, error: true } });
    const outputs = typeof finished.outputs === "object" && finished.outputs !== null && !Array.isArray(finished.outputs) ? (finished.outputs as Record<string, unknown>) : {};
    return { status: finished.status, outputs, ...(finished.error ? { error: finished.error } : {}) };
  };
}
