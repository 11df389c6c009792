import type { PrismaClient } from "@tandem/db";
import { runWorkflow, validateWorkflow, type RunOutcome } from "@tandem/engine";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import type { EngineServicesFactory } from "../runs/engine-services.ts";
import type { RunEventBus } from "../runs/run-event-bus.ts";
import { createRunEventRecorder } from "../runs/run-event-recorder.ts";
import { toJsonInput } from "@tandem/db";
import { isShutdownAbort } from "../queue/job-queue.ts";
import { flushEventsBeforeCheckpoints } from "./flush-events-before-checkpoints.ts";

export interface RunWorkflowJobDependencies {
  prisma: PrismaClient;
  bus: RunEventBus;
  checkpointer: BaseCheckpointSaver;
  servicesFor: EngineServicesFactory;
}

const TERMINAL = new Set(["succeeded", "failed", "stopped"]);

/**
 * Executes a run: loads it, runs its document with events persisted and checkpoints after every step,
 * and records the outcome. Safe to run again for the same run: a finished run is left alone, and an
 * unfinished one resumes from its last checkpoint without repeating finished nodes.
 */
export async function runWorkflowJob(
  dependencies: RunWorkflowJobDependencies,
  runId: string,
  signal: AbortSignal,
  /** A workflow run as a tool passes the chain of app ids that led to it (itself last); a top-level run is its own chain. */
  options: { callChain?: readonly string[] } = {},
): Promise<{ status: RunOutcome["status"] | "already-finished" | "missing" }> {
  const { prisma } = dependencies;
  const run = await prisma.run.findUnique({ where: { id: runId }, include: { workspace: { select: { settings: true } } } });
  if (!run) return { status: "missing" };
  if (TERMINAL.has(run.status)) return { status: "already-finished" };

  const recorder = await createRunEventRecorder({
    prisma,
    bus: dependencies.bus,
    runId,
    workspaceId: run.workspaceId,
    onError: (error) => console.error(JSON.stringify({ event: "run-event-write-failed", runId, error: String(error) })),
  });
  const services = await dependencies.servicesFor({ id: run.workspaceId, settings: run.workspace.settings }, { callChain: options.callChain ?? [run.appId] });
  // With the workspace's providers known, a private workflow naming a cloud model fails here, before anything runs.
  const validation = validateWorkflow(run.document, { isLocalModel: (reference) => services.models.isLocal?.(reference) });
  if (!validation.ok || !validation.document) {
    const error = `The workflow is invalid: ${validation.problems
      .slice(0, 5)
      .map((problem) => `${problem.nodeId ? `${problem.nodeId}: ` : ""}${problem.message}`)
      .join("; ")}`;
    recorder.record({ type: "run-error", runId, at: Date.now(), error, elapsedMs: 0, totalSteps: 0, totalTokens: 0 });
    await recorder.flush();
    await prisma.run.update({ where: { id: runId }, data: { status: "failed", error, finishedAt: new Date() } });
    return { status: "failed" };
  }

  const resume = (await dependencies.checkpointer.getTuple({ configurable: { thread_id: runId } })) !== undefined;
  const startedAt = run.startedAt ?? new Date();
  await prisma.run.update({ where: { id: runId }, data: { status: "running", startedAt } });
  const outcome = await runWorkflow({
    runId,
    document: validation.document,
    inputs: isRecord(run.inputs) ? run.inputs : {},
    system: {
      app_id: run.appId,
      workflow_id: run.appVersionId ?? run.appId,
      ...(run.endUser ? { user_id: run.endUser } : {}),
      ...(run.conversationId ? { conversation_id: run.conversationId } : {}),
    },
    services,
    // A shutdown is no stop: the run goes on in another try, so its event stream must not end here.
    onEvent: (event) => {
      if (event.type === "run-end" && event.status === "stopped" && isShutdownAbort(signal)) return;
      recorder.record(event);
    },
    signal,
    checkpointer: flushEventsBeforeCheckpoints(dependencies.checkpointer, recorder.flush),
    resume,
  });
  await recorder.flush();
  if (outcome.status === "stopped" && isShutdownAbort(signal)) {
    // Aborted because this process is shutting down, not stopped by anyone: the run stays "running" and
    // the queue hands its job to another try, which resumes from the last checkpoint.
    throw new Error("The run was interrupted by a shutdown; it resumes from its last checkpoint.");
  }
  const finishedAt = new Date();
  await prisma.run.update({
    where: { id: runId },
    data: {
      status: outcome.status,
      outputs: toJsonInput(outcome.outputs),
      error: outcome.error ?? null,
      totalSteps: outcome.totalSteps,
      totalTokens: outcome.totalTokens,
      totalCost: outcome.totalCost,
      elapsedMs: finishedAt.getTime() - startedAt.getTime(),
      finishedAt,
    },
  });
  return { status: outcome.status };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
