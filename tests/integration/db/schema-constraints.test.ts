// What the schema promises beyond columns: the same models and enums on both sides, cascades,
// unique constraints, and published versions that cannot change.
import {
  AppKind,
  DataSourceKind,
  DocumentStage,
  DocumentStatus,
  IndexMode,
  MembershipRole,
  ModelProviderKind,
  NodeExecutionStatus,
  RunStatus,
  openDatabase,
  type Database,
  type PrismaClient,
} from "@tandem/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The package exports the client, not the Prisma namespace; its model list is what this test compares.
import { Prisma } from "../../../packages/db/src/generated/prisma/client.ts";
import { modelTables } from "./support/model-tables.ts";
import { seedWorkspaceGraph, type WorkspaceGraph } from "./support/seed-workspace-graph.ts";

let database: Database;
let prisma: PrismaClient;

beforeAll(async () => {
  database = await openDatabase({ dataDir: "memory://" });
  prisma = database.prisma;
});

afterAll(async () => {
  await database?.close();
});

async function expectUniqueViolation(operation: Promise<unknown>, constraint: string): Promise<void> {
  await expect(operation).rejects.toMatchObject({ code: "P2002" });
  await expect(operation).rejects.toThrow(constraint);
}

/** Rows of each workspace-scoped model in one workspace. */
async function countRowsIn(workspaceId: string): Promise<Record<string, number>> {
  const where = { workspaceId };
  return {
    memberships: await prisma.membership.count({ where }),
    apps: await prisma.app.count({ where }),
    appVersions: await prisma.appVersion.count({ where }),
    runs: await prisma.run.count({ where }),
    nodeExecutions: await prisma.nodeExecution.count({ where }),
    runEvents: await prisma.runEvent.count({ where }),
    knowledgeBases: await prisma.knowledgeBase.count({ where }),
    documents: await prisma.document.count({ where }),
    chunks: await prisma.chunk.count({ where }),
    chunkTerms: await prisma.chunkTerm.count({ where }),
    dataSources: await prisma.dataSource.count({ where }),
    modelProviders: await prisma.modelProvider.count({ where }),
    apiKeys: await prisma.apiKey.count({ where }),
  };
}

describe("the Prisma schema and the SQL migration", () => {
  it("have the same models and tables", async () => {
    expect(Object.keys(Prisma.ModelName).sort()).toEqual(Object.keys(modelTables).sort());
    const rows = await prisma.$queryRaw<Array<{ table_name: string }>>`
      SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`;
    expect(rows.map((row) => row.table_name).sort()).toEqual(Object.values(modelTables).sort());
  });

  it("have the same enums with the same values in the same order", async () => {
    const rows = await prisma.$queryRaw<Array<{ name: string; labels: string[] }>>`
      SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
       GROUP BY t.typname`;
    expect(Object.fromEntries(rows.map((row) => [row.name, row.labels]))).toEqual({
      membership_role: Object.values(MembershipRole),
      app_kind: Object.values(AppKind),
      run_status: Object.values(RunStatus),
      node_execution_status: Object.values(NodeExecutionStatus),
      index_mode: Object.values(IndexMode),
      document_status: Object.values(DocumentStatus),
      document_stage: Object.values(DocumentStage),
      data_source_kind: Object.values(DataSourceKind),
      model_provider_kind: Object.values(ModelProviderKind),
    });
  });
});

describe("deleting", () => {
  it("a workspace deletes everything in it and nothing in other workspaces", async () => {
    const doomed = await seedWorkspaceGraph(prisma, "doomed");
    const kept = await seedWorkspaceGraph(prisma, "kept");
    const oneOfEach = Object.fromEntries(Object.keys(await countRowsIn(kept.workspaceId)).map((key) => [key, 1]));
    expect(await countRowsIn(doomed.workspaceId)).toEqual(oneOfEach);

    await prisma.workspace.delete({ where: { id: doomed.workspaceId } });

    const none = Object.fromEntries(Object.keys(oneOfEach).map((key) => [key, 0]));
    expect(await countRowsIn(doomed.workspaceId)).toEqual(none);
    expect(await countRowsIn(kept.workspaceId)).toEqual(oneOfEach);
    // Users belong to no workspace: losing a membership does not delete the person.
    expect(await prisma.user.findUnique({ where: { id: doomed.userId } })).not.toBeNull();
  });

  it("a published version keeps the runs and API keys that pinned it, unpinned", async () => {
    const graph = await seedWorkspaceGraph(prisma, "unpin");
    await prisma.appVersion.delete({ where: { id: graph.appVersionId } });
    expect(await prisma.run.findUniqueOrThrow({ where: { id: graph.runId } })).toMatchObject({ appVersionId: null });
    expect(await prisma.apiKey.findUniqueOrThrow({ where: { keyHash: graph.apiKeyHash } })).toMatchObject({ appVersionId: null });
  });

  it("a parent chunk deletes its children and their terms", async () => {
    const graph = await seedWorkspaceGraph(prisma, "chunks");
    const child = await prisma.chunk.create({
      data: { workspaceId: graph.workspaceId, knowledgeBaseId: graph.knowledgeBaseId, documentId: graph.documentId, position: 1, parentId: graph.chunkId, text: "child" },
    });
    await prisma.chunkTerm.create({
      data: { workspaceId: graph.workspaceId, knowledgeBaseId: graph.knowledgeBaseId, chunkId: child.id, documentId: graph.documentId, term: "child", frequency: 1, chunkLength: 1 },
    });
    await prisma.chunk.delete({ where: { id: graph.chunkId } });
    expect(await prisma.chunk.count({ where: { documentId: graph.documentId } })).toBe(0);
    expect(await prisma.chunkTerm.count({ where: { knowledgeBaseId: graph.knowledgeBaseId } })).toBe(0);
  });
});

describe("unique constraints", () => {
  let graph: WorkspaceGraph;
  let other: WorkspaceGraph;

  beforeAll(async () => {
    graph = await seedWorkspaceGraph(prisma, "unique");
    other = await seedWorkspaceGraph(prisma, "other");
  });

  it("reject a duplicate app slug in a workspace, but allow it in another workspace", async () => {
    const app = { name: "Copy", slug: "app", kind: AppKind.chatflow, draft: {} };
    await expectUniqueViolation(prisma.app.create({ data: { ...app, workspaceId: graph.workspaceId } }), "apps_workspace_id_slug_key");
    // Both seeded workspaces hold an app with the slug "app".
    const sameSlug = await prisma.app.findMany({ where: { slug: "app", workspaceId: { in: [graph.workspaceId, other.workspaceId] } } });
    expect(sameSlug).toHaveLength(2);
  });

  it("reject duplicate workspace slugs, user emails and memberships", async () => {
    const { slug } = await prisma.workspace.findUniqueOrThrow({ where: { id: graph.workspaceId } });
    await expectUniqueViolation(prisma.workspace.create({ data: { name: "Twin", slug } }), "workspaces_slug_key");
    const { email } = await prisma.user.findUniqueOrThrow({ where: { id: graph.userId } });
    await expectUniqueViolation(prisma.user.create({ data: { email, name: "Twin" } }), "users_email_key");
    await expectUniqueViolation(
      prisma.membership.create({ data: { workspaceId: graph.workspaceId, userId: graph.userId } }),
      "memberships_workspace_id_user_id_key",
    );
  });

  it("reject a duplicate version number, idempotency key or event sequence", async () => {
    const { workspaceId, appId, runId } = graph;
    await expectUniqueViolation(
      prisma.appVersion.create({ data: { workspaceId, appId, version: 1, document: {} } }),
      "app_versions_app_id_version_key",
    );
    await expectUniqueViolation(prisma.run.create({ data: { workspaceId, appId, idempotencyKey: "once" } }), "runs_app_id_idempotency_key_key");
    // Runs without an idempotency key are not duplicates of each other.
    await prisma.run.createMany({ data: [{ workspaceId, appId }, { workspaceId, appId }] });
    await expectUniqueViolation(
      prisma.runEvent.create({ data: { workspaceId, runId, seq: 1, type: "run-start", data: {} } }),
      "run_events_run_id_seq_key",
    );
  });

  it("reject a duplicate chunk position or chunk term", async () => {
    const { workspaceId, knowledgeBaseId, documentId, chunkId } = graph;
    await expectUniqueViolation(
      prisma.chunk.create({ data: { workspaceId, knowledgeBaseId, documentId, position: 0, text: "again" } }),
      "chunks_document_id_position_key",
    );
    await expectUniqueViolation(
      prisma.chunkTerm.create({ data: { workspaceId, knowledgeBaseId, chunkId, documentId, term: "hello", frequency: 2, chunkLength: 1 } }),
      "chunk_terms_pkey",
    );
  });

  it("reject a duplicate data source or model provider name in a workspace, and a reused API key hash anywhere", async () => {
    const { workspaceId } = graph;
    await expectUniqueViolation(
      prisma.dataSource.create({ data: { workspaceId, name: "warehouse", kind: DataSourceKind.mysql } }),
      "data_sources_workspace_id_name_key",
    );
    await expectUniqueViolation(
      prisma.modelProvider.create({ data: { workspaceId, name: "ollama", kind: ModelProviderKind.local } }),
      "model_providers_workspace_id_name_key",
    );
    await expectUniqueViolation(
      prisma.apiKey.create({ data: { workspaceId: other.workspaceId, name: "stolen", prefix: "app-x", keyHash: graph.apiKeyHash } }),
      "api_keys_key_hash_key",
    );
  });
});

describe("a published app version", () => {
  it("refuses changes to its document, version or app, and allows editing its notes", async () => {
    const graph = await seedWorkspaceGraph(prisma, "immutable");
    const where = { id: graph.appVersionId };
    await expect(prisma.appVersion.update({ where, data: { document: { nodes: ["changed"] } } })).rejects.toThrow(/immutable/);
    await expect(prisma.appVersion.update({ where, data: { version: 2 } })).rejects.toThrow(/immutable/);
    const otherApp = await prisma.app.create({
      data: { workspaceId: graph.workspaceId, name: "Other", slug: "other", kind: AppKind.workflow, draft: {} },
    });
    await expect(prisma.appVersion.update({ where, data: { appId: otherApp.id } })).rejects.toThrow(/immutable/);

    await expect(prisma.appVersion.update({ where, data: { notes: "Fixed a typo in the notes" } })).resolves.toMatchObject({
      notes: "Fixed a typo in the notes",
    });
    expect(await prisma.appVersion.findUniqueOrThrow({ where })).toMatchObject({ document: { nodes: [] }, version: 1, appId: graph.appId });
  });
});

describe("a document's progress", () => {
  it("must stay between 0 and 100", async () => {
    const graph = await seedWorkspaceGraph(prisma, "progress");
    const where = { id: graph.documentId };
    await expect(prisma.document.update({ where, data: { progress: 101 } })).rejects.toThrow(/documents_progress_check/);
    await expect(prisma.document.update({ where, data: { progress: -1 } })).rejects.toThrow(/documents_progress_check/);
    await expect(prisma.document.update({ where, data: { progress: 100 } })).resolves.toMatchObject({ progress: 100 });
  });
});
