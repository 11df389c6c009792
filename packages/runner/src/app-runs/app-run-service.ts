import type { PrismaClient, Run } from "@tandem/db";
import { startVariables, validateRunInputs } from "@tandem/engine";
import { z } from "zod";
import type { TandemJobCatalog } from "../jobs/job-catalog.ts";
import type { ApiKeyAuthentication } from "../publishing/api-keys.ts";
import type { JobQueue } from "../queue/job-queue.ts";
import { runWorkflowJobId } from "../runs/recover-unfinished-runs.ts";
import type { RunEventBus } from "../runs/run-event-bus.ts";
import { recordRunEnd } from "../runs/run-event-recorder.ts";
import type { RunWriteBatcher } from "../runs/run-write-batcher.ts";
import { insertedRunRow, type ApiRunInserter } from "../runs/run-rows.ts";
import type { RunHandoff } from "../runs/run-handoff.ts";
import { randomUUID } from "node:crypto";
import { difyParameters } from "./app-parameters.ts";
import { AppRunError } from "./app-run-error.ts";
import type { PublishedApp, PublishedVersions } from "../runs/published-versions.ts";
import { watchRun, type RunWatch } from "./watch-run.ts";

/** Who calls: an authenticated app key. */
export type AppCaller = Pick<ApiKeyAuthentication, "workspaceId" | "appId" | "appVersionId" | "keyId">;

export const historyMessageSchema = z.object({ role: z.enum(["user", "assistant"]), content: z.string().max(1_000_000) });
export type HistoryMessage = z.infer<typeof historyMessageSchema>;

export const startAppRunSchema = z.object({
  /** Values of the start node's inputs. */
  inputs: z.record(z.unknown()).default({}),
  /** The end user, as the caller names them (Dify's `user`). */
  user: z.string().trim().min(1, "user is required: a stable id of your end user").max(255),
  /** A chatflow's question (`sys.query`). */
  query: z.string().max(1_000_000).optional(),
  /** A chatflow conversation to continue; none starts a new one. */
  conversationId: z.string().optional(),
  /** Earlier turns given with the request instead of a stored conversation (OpenAI-style clients). */
  history: z.array(historyMessageSchema).max(1000).optional(),
  /** A retried request with the same key returns the first request's run instead of starting another. */
  idempotencyKey: z.string().trim().min(1).max(255).optional(),
  /** Called (POST, signed) when the run finishes. */
  callbackUrl: z
    .string()
    .max(2048)
    .url("callback_url must be an absolute http(s) URL")
    .refine((value) => /^https?:\/\//i.test(value), "callback_url must be an http(s) URL")
    .optional(),
});
export type StartAppRunInput = z.input<typeof startAppRunSchema>;

/** What the API reports of a run. */
export interface AppRunView {
  id: string;
  appId: string;
  appVersionId: string | null;
  status: Run["status"];
  inputs: Record<string, unknown>;
  query: string | null;
  outputs: Record<string, unknown> | null;
  error: string | null;
  conversationId: string | null;
  endUser: string | null;
  totalSteps: number;
  totalTokens: number;
  totalCost: number;
  elapsedMs: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface StartedAppRun {
  run: AppRunView;
  app: PublishedApp;
  /** True when an earlier request with the same Idempotency-Key had started it. */
  existing: boolean;
  /** The run's events from its first, subscribed before the run was queued (when `watch` was asked for). */
  watch?: RunWatch;
}

export interface AppRunServiceDependencies {
  prisma: PrismaClient;
  queue: JobQueue<TandemJobCatalog>;
  bus: RunEventBus;
  batcher: RunWriteBatcher;
  inserter: ApiRunInserter;
  versions: PublishedVersions;
  /** Given when this process runs the jobs too: new runs are handed to their job instead of read back. */
  handoff?: RunHandoff;
}

const TERMINAL = new Set<Run["status"]>(["succeeded", "failed", "stopped"]);
const uuid = z.string().uuid();

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** A run row as the API reports it. */
export function toAppRunView(run: Run): AppRunView {
  return {
    id: run.id,
    appId: run.appId,
    appVersionId: run.appVersionId,
    status: run.status,
    inputs: asRecord(run.inputs) ?? {},
    query: run.query,
    outputs: asRecord(run.outputs),
    error: run.error,
    conversationId: run.conversationId,
    endUser: run.endUser,
    totalSteps: run.totalSteps,
    totalTokens: run.totalTokens,
    totalCost: Number(run.totalCost),
    elapsedMs: run.elapsedMs,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

function invalid(error: z.ZodError): AppRunError {
  const issues = error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message));
  return new AppRunError("invalid_param", issues.join("; "), { details: { issues: error.issues } });
}

/**
 * Runs of published apps for the published API: start (validated inputs, idempotency, chatflow
 * conversations), watch (stored events then live ones), wait, stop, status and node traces. Every call
 * is scoped to the caller's app: another app's run is not found.
 */
export function createAppRunService(dependencies: AppRunServiceDependencies) {
  const { prisma, queue, bus } = dependencies;
  const resolveApp = (appId: string, pinnedVersionId: string | null) => dependencies.versions.resolve(appId, pinnedVersionId);

  async function requireRun(caller: AppCaller, runId: string): Promise<Run> {
    const run = uuid.safeParse(runId).success ? await prisma.run.findUnique({ where: { id: runId } }) : null;
    if (!run || run.appId !== caller.appId || run.workspaceId !== caller.workspaceId) throw new AppRunError("not_found", `Run ${runId} does not exist for this app.`);
    return run;
  }

  async function existingRun(caller: AppCaller, idempotencyKey: string): Promise<Run | null> {
    return prisma.run.findUnique({ where: { appId_idempotencyKey: { appId: caller.appId, idempotencyKey } } });
  }

  async function start(caller: AppCaller, rawInput: StartAppRunInput, options: { kind?: "workflow" | "chatflow"; watch?: boolean } = {}): Promise<StartedAppRun> {
    const parsed = startAppRunSchema.safeParse(rawInput);
    if (!parsed.success) throw invalid(parsed.error);
    const input = parsed.data;
    const app = await resolveApp(caller.appId, caller.appVersionId);
    const isChat = app.document.kind === "chatflow";
    if (options.kind === "chatflow" && !isChat) throw new AppRunError("bad_request", "This app is a workflow, not a chatflow: call POST /v1/workflows/run.");
    if (options.kind === "workflow" && isChat) throw new AppRunError("bad_request", "This app is a chatflow: call POST /v1/chat-messages with a query.");

    // A retried request: the first one's run, and its events from the start.
    const replay = (earlier: Run): StartedAppRun => ({ run: toAppRunView(earlier), app, existing: true, ...(options.watch ? { watch: watchRun({ prisma, bus, runId: earlier.id }) } : {}) });
    if (input.idempotencyKey !== undefined) {
      const earlier = await existingRun(caller, input.idempotencyKey);
      if (earlier) return replay(earlier);
    }

    const checked = validateRunInputs(startVariables(app.document), input.inputs);
    if (!checked.ok) {
      throw new AppRunError("invalid_param", `Invalid inputs: ${checked.problems.map((problem) => problem.message).join("; ")}.`, { details: { problems: checked.problems } });
    }
    const query = input.query?.trim() ?? "";
    if (isChat && query === "") throw new AppRunError("invalid_param", "query is required: the user's message to the chatflow.");

    let conversationId: string | null = null;
    if (isChat) {
      if (input.conversationId) {
        const conversation = uuid.safeParse(input.conversationId).success
          ? await prisma.conversation.findUnique({ where: { id: input.conversationId }, select: { appId: true, endUser: true } })
          : null;
        if (!conversation || conversation.appId !== caller.appId || conversation.endUser !== input.user) {
          throw new AppRunError("conversation_not_exists", `Conversation ${input.conversationId} does not exist for this app and user; omit conversation_id to start one.`);
        }
        conversationId = input.conversationId;
      } else if (input.history === undefined) {
        conversationId = (
          await prisma.conversation.create({ data: { workspaceId: caller.workspaceId, appId: caller.appId, endUser: input.user, name: query.slice(0, 80) }, select: { id: true } })
        ).id;
      }
    }

    const newRun = {
      id: randomUUID(),
      workspaceId: caller.workspaceId,
      appId: caller.appId,
      appVersionId: app.versionId,
      inputs: checked.values,
      endUser: input.user,
      conversationId,
      query: isChat ? query : null,
      history: input.history,
      idempotencyKey: input.idempotencyKey ?? null,
      callbackUrl: input.callbackUrl ?? null,
      apiKeyId: caller.keyId,
    };
    // The version's document is immutable: the job reads it from there, not from a copy per run.
    const inserted = await dependencies.inserter.insert(newRun);
    if (!inserted) {
      // Its Idempotency-Key is taken (also by a request racing this one): the earlier request's run.
      const earlier = input.idempotencyKey === undefined ? null : await existingRun(caller, input.idempotencyKey);
      if (earlier) return replay(earlier);
      throw new Error(`Run ${newRun.id} was neither inserted nor found by its idempotency key.`);
    }
    const run = insertedRunRow(inserted, newRun);
    dependencies.handoff?.put(inserted);
    // Subscribed before the job can start, so the first event cannot be missed.
    const watch = options.watch ? watchRun({ prisma, bus, runId: run.id, fresh: true }) : undefined;
    try {
      await watch?.ready;
      await queue.enqueue("run-workflow", { runId: run.id }, { jobId: runWorkflowJobId(run.id) });
    } catch (error) {
      watch?.close();
      await prisma.run.update({ where: { id: run.id }, data: { status: "failed", error: "The run could not be queued.", finishedAt: new Date() } }).catch(() => undefined);
      throw error;
    }
    return { run: toAppRunView(run), app, existing: false, ...(watch ? { watch } : {}) };
  }

  /** Waits for the run's last event, then returns the run as stored. */
  async function wait(caller: AppCaller, runId: string, watch: RunWatch): Promise<AppRunView> {
    for await (const { event } of watch) {
      if (event.type === "run-end" || event.type === "run-error") break;
    }
    return toAppRunView(await requireRun(caller, runId));
  }

  return {
    resolveApp: (caller: AppCaller) => resolveApp(caller.appId, caller.appVersionId),
    start,
    wait,
    /** Stored events after `afterSeq`, then live ones, until the run's last event. */
    async watch(caller: AppCaller, runId: string, options: { afterSeq?: number; signal?: AbortSignal } = {}): Promise<RunWatch> {
      await requireRun(caller, runId);
      return watchRun({ prisma, bus, runId, ...options });
    },
    async get(caller: AppCaller, runId: string): Promise<AppRunView> {
      return toAppRunView(await requireRun(caller, runId));
    },
    /** Every node execution of a run, in the order they started (iterations included). */
    async trace(caller: AppCaller, runId: string) {
      const run = await requireRun(caller, runId);
      const nodes = await prisma.nodeExecution.findMany({ where: { runId }, orderBy: [{ startedAt: "asc" }, { index: "asc" }] });
      return {
        run: toAppRunView(run),
        nodes: nodes.map((node) => ({
          id: node.id,
          nodeId: node.nodeId,
          nodeType: node.nodeType,
          title: node.title,
          index: node.index,
          iterationIndex: node.iterationIndex,
          status: node.status,
          attempt: node.attempt,
          inputs: node.inputs,
          outputs: node.outputs,
          error: node.error,
          model: node.model,
          tokensIn: node.tokensIn,
          tokensOut: node.tokensOut,
          cost: Number(node.cost),
          startedAt: node.startedAt,
          finishedAt: node.finishedAt,
          elapsedMs: node.elapsedMs,
        })),
      };
    },
    /**
     * Stops a run: a running one is cancelled where it runs (its nodes see the abort, it ends "stopped");
     * one still queued never starts. Stopping a finished run changes nothing.
     */
    async stop(caller: AppCaller, runId: string): Promise<AppRunView> {
      const run = await requireRun(caller, runId);
      if (TERMINAL.has(run.status)) return toAppRunView(run);
      await queue.cancel(runWorkflowJobId(runId));
      dependencies.handoff?.take(runId);
      // Still queued: no worker will record its end, so it is recorded here.
      const updated = await prisma.run.updateMany({ where: { id: runId, status: "queued" }, data: { status: "stopped", finishedAt: new Date(), elapsedMs: 0 } });
      if (updated.count > 0) {
        await recordRunEnd(
          { prisma, batcher: dependencies.batcher, bus, runId, workspaceId: run.workspaceId },
          { type: "run-end", runId, at: Date.now(), status: "stopped", outputs: {}, elapsedMs: 0, totalSteps: 0, totalTokens: 0 },
        );
      }
      return toAppRunView(await requireRun(caller, runId));
    },
    async parameters(caller: AppCaller) {
      return difyParameters((await resolveApp(caller.appId, caller.appVersionId)).document);
    },
    /** A chatflow's conversations with one end user, newest first. */
    async conversations(caller: AppCaller, user: string, options: { limit?: number } = {}) {
      const rows = await prisma.conversation.findMany({
        where: { appId: caller.appId, endUser: user },
        orderBy: { updatedAt: "desc" },
        take: Math.min(Math.max(options.limit ?? 20, 1), 101),
      });
      return rows;
    },
    /** A conversation's latest messages (its runs), oldest first. */
    async messages(caller: AppCaller, conversationId: string, user: string, options: { limit?: number } = {}) {
      const conversation = uuid.safeParse(conversationId).success ? await prisma.conversation.findUnique({ where: { id: conversationId } }) : null;
      if (!conversation || conversation.appId !== caller.appId || conversation.endUser !== user) {
        throw new AppRunError("conversation_not_exists", `Conversation ${conversationId} does not exist for this app and user.`);
      }
      // The newest messages, returned oldest first.
      const runs = await prisma.run.findMany({ where: { conversationId }, orderBy: { createdAt: "desc" }, take: Math.min(Math.max(options.limit ?? 20, 1), 101) });
      return runs.reverse().map(toAppRunView);
    },
  };
}

export type AppRunService = ReturnType<typeof createAppRunService>;
