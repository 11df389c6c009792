import type { PrismaClient } from "@tandem/db";
import { runWorkflow, validateWorkflow, type RunOutcome } from "@tandem/engine";
import type { EngineServicesFactory } from "../runs/engine-services.ts";
import type { RunEventBus } from "../runs/run-event-bus.ts";
import { createRunEventRecorder } from "../runs/run-event-recorder.ts";
import type { RunWriteBatcher } from "../runs/run-write-batcher.ts";
import { loadRunForJob } from "../runs/run-rows.ts";
import type { RunHandoff } from "../runs/run-handoff.ts";
import type { PublishedVersions } from "../runs/published-versions.ts";
import type { DurableCheckpointSaver } from "../runs/durable-checkpoint-saver.ts";
import { isShutdownAbort } from "../queue/job-queue.ts";

export interface RunWorkflowJobDependencies {
  prisma: PrismaClient;
  bus: RunEventBus;
  /** LangGraph checkpoints, in memory and stored when a run needs them durable (ADR 0019). */
  checkpointer: DurableCheckpointSaver;
  /** Writes runs' events, node executions, checkpoints and status in batches. */
  batcher: RunWriteBatcher;
  /** Runs created by this process's API, handed over instead of read back (embedded mode). */
  handoff?: RunHandoff;
  /** Published versions' documents, read and validated once per process. */
  versions: PublishedVersions;
  servicesFor: EngineServicesFactory;
  /** Queues the completion callback of a run that has a callback URL; without it, callbacks are not sent. */
  enqueueCallback?: (runId: string) => Promise<void>;
}

/**
 * The run's document, validated: its own copy (debug, CLI and tool runs) or its published version's,
 * validated once per process unless private.
 */
async function validated(versions: PublishedVersions, run: { document: unknown; appVersionId: string | null }, isLocalModel: (reference: string) => boolean | undefined) {
  if ((run.document === null || run.document === undefined) && run.appVersionId !== null) {
    return (await versions.validated(run.appVersionId, isLocalModel)) ?? validateWorkflow(undefined, { isLocalModel });
  }
  return validateWorkflow(run.document, { isLocalModel });
}

const historyEntry = (role: "user" | "assistant", content: unknown) => (typeof content === "string" && content !== "" ? [{ role, content }] : []);

/** `sys.history`: the turns sent with the request, or the conversation's earlier answered messages. */
async function historyOf(prisma: PrismaClient, run: { id: string; history: unknown; conversationId: string | null; createdAt: Date }) {
  if (Array.isArray(run.history)) return run.history as unknown[];
  if (run.conversationId === null) return undefined;
  const earlier = await prisma.run.findMany({
    where: { conversationId: run.conversationId, id: { not: run.id }, createdAt: { lte: run.createdAt }, status: "succeeded" },
    orderBy: { createdAt: "desc" },
    take: 50,
    select: { query: true, outputs: true },
  });
  return earlier.reverse().flatMap((message) => [...historyEntry("user", message.query), ...historyEntry("assistant", isRecord(message.outputs) ? message.outputs.answer : undefined)]);
}

/** How far a resumed run's event numbers jump past the last stored one. */
const RESUME_SEQ_GAP = 1_000;

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
  const run = dependencies.handoff?.take(runId) ?? (await loadRunForJob(dependencies.batcher, runId));
  if (!run) return { status: "missing" };
  if (TERMINAL.has(run.status)) return { status: "already-finished" };

  // A run never started has no events and no checkpoint: nothing to read back.
  const fresh = run.status === "queued" && run.startedAt === null;
  const recorder = await createRunEventRecorder({
    prisma,
    batcher: dependencies.batcher,
    bus: dependencies.bus,
    runId,
    workspaceId: run.workspaceId,
    // A resumed run may have published events live that were never stored (its process died first):
    // numbering goes on past a gap, so no number means two different events to a client that saw them.
    lastSeq: fresh ? 0 : ((await prisma.runEvent.aggregate({ where: { runId }, _max: { seq: true } }))._max.seq ?? 0) + RESUME_SEQ_GAP,
    onError: (error) => console.error(JSON.stringify({ event: "run-event-write-failed", runId, error: String(error) })),
  });
  const services = await dependencies.servicesFor({ id: run.workspaceId, settings: run.workspace.settings, providersVersion: run.workspace.providersVersion }, { callChain: options.callChain ?? [run.appId] });
  // With the workspace's providers known, a private workflow naming a cloud model fails here, before anything runs.
  const validation = await validated(dependencies.versions, run, (reference) => services.models.isLocal?.(reference));
  if (!validation.ok || !validation.document) {
    const error = `The workflow is invalid: ${validation.problems
      .slice(0, 5)
      .map((problem) => `${problem.nodeId ? `${problem.nodeId}: ` : ""}${problem.message}`)
      .join("; ")}`;
    recorder.record({ type: "run-error", runId, at: Date.now(), error, elapsedMs: 0, totalSteps: 0, totalTokens: 0 });
    await recorder.finish({ status: "failed", error, finished_at: new Date().toISOString() });
    if (run.callbackUrl && dependencies.enqueueCallback) await dependencies.enqueueCallback(runId);
    return { status: "failed" };
  }

  const { checkpointer } = dependencies;
  // The run's events are queued before each of its checkpoints, so a stored step always has them.
  checkpointer.open(runId, { fresh, beforeStoring: () => recorder.enqueue() });
  const resume = !fresh && (await checkpointer.getTuple({ configurable: { thread_id: runId } })) !== undefined;
  const history = await historyOf(prisma, run);
  const startedAt = run.startedAt ?? new Date();
  // The move to running is written with the run's first events (the batcher keeps order).
  if (run.status !== "running") recorder.markRunning({ status: "running", started_at: startedAt.toISOString() });
  const outcome = await runWorkflow({
    runId,
    document: validation.document,
    inputs: isRecord(run.inputs) ? run.inputs : {},
    system: {
      app_id: run.appId,
      workflow_id: run.appVersionId ?? run.appId,
      ...(run.endUser ? { user_id: run.endUser } : {}),
      ...(run.conversationId ? { conversation_id: run.conversationId } : {}),
      ...(run.query !== null ? { query: run.query } : {}),
      ...(history !== undefined ? { history } : {}),
    },
    services,
    // A shutdown is no stop: the run goes on in another try, so its event stream must not end here.
    onEvent: (event) => {
      if (event.type === "run-end" && event.status === "stopped" && isShutdownAbort(signal)) return;
      recorder.record(event);
    },
    signal,
    checkpointer,
    durabilityBarrier: () => checkpointer.barrier(runId),
    resume,
  });
  if (outcome.status === "stopped" && isShutdownAbort(signal)) {
    // Aborted because this process is shutting down, not stopped by anyone: the run stays "running" and
    // the queue hands its job to another try, which resumes from the checkpoint stored here.
    await recorder.flush();
    await checkpointer.barrier(runId).finally(() => checkpointer.release(runId));
    throw new Error("The run was interrupted by a shutdown; it resumes from its last checkpoint.");
  }
  // A finished run is never resumed: its stored checkpoints go with its final state.
  const { stored } = checkpointer.release(runId);
  const finishedAt = new Date();
  // The run's last event is published once this update is stored with it.
  await recorder.finish({
    status: outcome.status,
    outputs: outcome.outputs,
    error: outcome.error ?? null,
    total_steps: outcome.totalSteps,
    total_tokens: outcome.totalTokens,
    total_cost: outcome.totalCost,
    elapsed_ms: finishedAt.getTime() - startedAt.getTime(),
    finished_at: finishedAt.toISOString(),
  }, stored ? { checkpointDeletes: [{ run_id: runId }] } : {});
  if (run.callbackUrl && dependencies.enqueueCallback) await dependencies.enqueueCallback(runId);
  return { status: outcome.status };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
