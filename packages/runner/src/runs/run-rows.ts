import type { Run } from "@tandem/db";
import type { RunWriteBatcher } from "./run-write-batcher.ts";

/**
 * The version of a workspace's model providers, as the column "providers_version": their row versions,
 * which change whenever a provider is added, changed or removed (see EngineServicesFactory).
 */
const providersVersionOf = (workspaceId: string) =>
  `(SELECT COALESCE(string_agg(p."xmin"::text, ',' ORDER BY p."id"), '') FROM "model_providers" p WHERE p."workspace_id" = ${workspaceId}) AS "providers_version"`;

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
            ${providersVersionOf('r."workspace_id"')}
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
 * Inserts queued API runs: the inserts asked for in one turn of the event loop go in one statement
 * (under load, dozens of requests cost one round trip), which returns each run with its workspace's
 * settings and providers version, so a job started in this process need not read it back. A run whose
 * idempotency key is taken is not inserted (`null`: the caller reads the earlier run). When a batch
 * fails, its runs are inserted one by one, so a bad one fails alone.
 */
export function createApiRunInserter(batcher: RunWriteBatcher) {
  let queued: Array<{ run: NewApiRun & { id: string }; resolve: (run: RunForJob | null) => void; reject: (error: unknown) => void }> = [];

  async function insertBatch(batch: typeof queued): Promise<void> {
    try {
      const rows = await batcher.query<{ id: string; created_at: Date; settings: unknown; providers_version: string }>(
        `WITH inserted AS (
           INSERT INTO "runs" ("id", "workspace_id", "app_id", "app_version_id", "status", "trigger", "inputs", "end_user", "conversation_id", "query", "history",
                               "idempotency_key", "callback_url", "callback_status", "api_key_id")
           SELECT r.id, r.workspace_id, r.app_id, r.app_version_id, 'queued', 'api', r.inputs, r.end_user, r.conversation_id, r.query, r.history,
                  r.idempotency_key, r.callback_url, CASE WHEN r.callback_url IS NULL THEN NULL ELSE 'pending' END, r.api_key_id
             FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, workspace_id uuid, app_id uuid, app_version_id uuid, inputs jsonb, end_user text,
                  conversation_id uuid, query text, history jsonb, idempotency_key text, callback_url text, api_key_id uuid)
           ON CONFLICT DO NOTHING
           RETURNING "id", "workspace_id", "created_at")
         SELECT i."id", i."created_at" AT TIME ZONE 'UTC' AS "created_at", w."settings",
                ${providersVersionOf('i."workspace_id"')}
           FROM inserted i JOIN "workspaces" w ON w."id" = i."workspace_id"`,
        [
          JSON.stringify(
            batch.map(({ run }) => ({
              id: run.id,
              workspace_id: run.workspaceId,
              app_id: run.appId,
              app_version_id: run.appVersionId,
              inputs: run.inputs,
              end_user: run.endUser,
              conversation_id: run.conversationId,
              query: run.query,
              history: run.history ?? null,
              idempotency_key: run.idempotencyKey,
              callback_url: run.callbackUrl,
              api_key_id: run.apiKeyId,
            })),
          ),
        ],
      );
      const inserted = new Map(rows.map((row) => [row.id, row]));
      for (const { run, resolve } of batch) {
        const row = inserted.get(run.id);
        resolve(
          row
            ? {
                id: run.id,
                workspaceId: run.workspaceId,
                appId: run.appId,
                appVersionId: run.appVersionId,
                status: "queued",
                document: null,
                inputs: run.inputs,
                query: run.query,
                history: run.history ?? null,
                endUser: run.endUser,
                conversationId: run.conversationId,
                callbackUrl: run.callbackUrl,
                createdAt: row.created_at,
                startedAt: null,
                workspace: { settings: row.settings, providersVersion: row.providers_version },
              }
            : null,
        );
      }
    } catch (error) {
      if (batch.length === 1) batch[0]?.reject(error);
      else await Promise.all(batch.map((item) => insertBatch([item])));
    }
  }

  return {
    /** Inserts the run (its id chosen by the caller); resolves to it, or to null when its idempotency key is taken. */
    insert(run: NewApiRun & { id: string }): Promise<RunForJob | null> {
      return new Promise((resolve, reject) => {
        queued.push({ run, resolve, reject });
        if (queued.length > 1) return;
        setImmediate(() => {
          const batch = queued;
          queued = [];
          void insertBatch(batch);
        });
      });
    },
  };
}

export type ApiRunInserter = ReturnType<typeof createApiRunInserter>;

/** A queued run as the API reports it, from what was inserted. */
export function insertedRunRow(run: RunForJob, input: NewApiRun): Run {
  return {
    id: run.id,
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
    // Prisma's Decimal; the view reads it with Number(), which takes a plain 0 the same.
    totalCost: 0 as unknown as Run["totalCost"],
    elapsedMs: null,
    createdAt: run.createdAt,
    startedAt: null,
    finishedAt: null,
  } as Run;
}
