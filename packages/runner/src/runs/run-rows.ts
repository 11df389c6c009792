import type { Run } from "@tandem/db";
import type { RunWriteBatcher } from "./run-write-batcher.ts";

/** What the run-workflow job reads of a run: one statement (the run and its workspace's settings). */
export interface RunForJob {
  id: string;
  workspaceId: string;
  appId: string;
  appVersionId: string | null;
  status: Run["status"];
  document: unknown;
  inputs: unknown;
  query: string | null;
  history: unknown;
  endUser: string | null;
  conversationId: string | null;
  callbackUrl: string | null;
  createdAt: Date;
  startedAt: Date | null;
  /** The workspace's settings and the version of its model providers (see EngineServicesFactory). */
  workspace: { settings: unknown; providersVersion: string };
}

/**
 * The run-workflow job's read of its run, in plain SQL: it runs for every run, and through Prisma (two
 * queries for the include) it cost about 2 ms of database time on embedded Postgres; this is one.
 * Timestamps are stored as UTC without a zone and read back as UTC.
 */
export async function loadRunForJob(batcher: RunWriteBatcher, runId: string): Promise<RunForJob | null> {
  const rows = await batcher.query<{
    id: string;
    workspace_id: string;
    app_id: string;
    app_version_id: string | null;
    status: Run["status"];
    document: unknown;
    inputs: unknown;
    query: string | null;
    history: unknown;
    end_user: string | null;
    conversation_id: string | null;
    callback_url: string | null;
    created_at: Date;
    started_at: Date | null;
    settings: unknown;
    providers_version: string;
  }>(
    `SELECT r."id", r."workspace_id", r."app_id", r."app_version_id", r."status"::text AS "status", r."document", r."inputs", r."query", r."history",
            r."end_user", r."conversation_id", r."callback_url", r."created_at" AT TIME ZONE 'UTC' AS "created_at",
            r."started_at" AT TIME ZONE 'UTC' AS "started_at", w."settings",
            -- Changes whenever a provider of the workspace is added, changed or removed (row versions).
            (SELECT COALESCE(string_agg(p."xmin"::text, ',' ORDER BY p."id"), '') FROM "model_providers" p WHERE p."workspace_id" = r."workspace_id") AS "providers_version"
       FROM "runs" r JOIN "workspaces" w ON w."id" = r."workspace_id"
      WHERE r."id" = $1`,
    [runId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    appId: row.app_id,
    appVersionId: row.app_version_id,
    status: row.status,
    document: row.document,
    inputs: row.inputs,
    query: row.query,
    history: row.history,
    endUser: row.end_user,
    conversationId: row.conversation_id,
    callbackUrl: row.callback_url,
    createdAt: row.created_at,
    startedAt: row.started_at,
    workspace: { settings: row.settings, providersVersion: row.providers_version },
  };
}

/** A new API run's fields (see app-run-service). */
export interface NewApiRun {
  workspaceId: string;
  appId: string;
  appVersionId: string;
  inputs: Record<string, unknown>;
  endUser: string;
  conversationId: string | null;
  query: string | null;
  history: unknown[] | undefined;
  idempotencyKey: string | null;
  callbackUrl: string | null;
  apiKeyId: string;
}

/**
 * Inserts a queued API run in one statement and returns it as Prisma would. A duplicate idempotency key
 * fails with Postgres's unique violation (23505), for the caller to read the earlier run.
 */
export async function insertApiRun(batcher: RunWriteBatcher, input: NewApiRun): Promise<Run> {
  const rows = await batcher.query<{ id: string; created_at: Date }>(
    `INSERT INTO "runs" ("workspace_id", "app_id", "app_version_id", "status", "trigger", "inputs", "end_user", "conversation_id", "query", "history",
                         "idempotency_key", "callback_url", "callback_status", "api_key_id")
     VALUES ($1, $2, $3, 'queued', 'api', $4::jsonb, $5, $6, $7, $8::jsonb, $9, $10, $11, $12)
     RETURNING "id", "created_at" AT TIME ZONE 'UTC' AS "created_at"`,
    [
      input.workspaceId,
      input.appId,
      input.appVersionId,
      JSON.stringify(input.inputs),
      input.endUser,
      input.conversationId,
      input.query,
      input.history === undefined ? null : JSON.stringify(input.history),
      input.idempotencyKey,
      input.callbackUrl,
      input.callbackUrl ? "pending" : null,
      input.apiKeyId,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error("The run was not created.");
  return {
    id: row.id,
    workspaceId: input.workspaceId,
    appId: input.appId,
    appVersionId: input.appVersionId,
    status: "queued",
    trigger: "api",
    document: null,
    inputs: input.inputs,
    outputs: null,
    error: null,
    conversationId: input.conversationId,
    query: input.query,
    history: (input.history ?? null) as Run["history"],
    idempotencyKey: input.idempotencyKey,
    callbackUrl: input.callbackUrl,
    callbackStatus: input.callbackUrl ? "pending" : null,
    apiKeyId: input.apiKeyId,
    endUser: input.endUser,
    totalTokens: 0,
    totalSteps: 0,
    totalCost: 0 as unknown as Run["totalCost"],
    elapsedMs: null,
    createdAt: row.created_at,
    startedAt: null,
    finishedAt: null,
  } as Run;
}
