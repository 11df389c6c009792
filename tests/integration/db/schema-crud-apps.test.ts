// CRUD through the workspace, user, app and run models with every column set: proves the Prisma schema
// and the hand-written SQL migration agree on names, types, enums, Json, String[], Decimal and BigInt.
import { randomUUID } from "node:crypto";
import {
  AppKind,
  MembershipRole,
  NodeExecutionStatus,
  RunStatus,
  generateApiKey,
  openDatabase,
  type Database,
  type PrismaClient,
} from "@tandem/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectColumnsMatchFields } from "./support/expect-columns-match-fields.ts";

const createdAt = new Date("2024-03-04T05:06:07.089Z");
const laterAt = new Date("2024-05-06T07:08:09.123Z");

let database: Database;
let prisma: PrismaClient;
let workspaceId = "";
let userId = "";
let appId = "";
let appVersionId = "";
let runId = "";

beforeAll(async () => {
  database = await openDatabase({ dataDir: "memory://" });
  prisma = database.prisma;
  workspaceId = (await prisma.workspace.create({ data: { name: "Parent", slug: "parent" } })).id;
  userId = (await prisma.user.create({ data: { email: "parent@example.com", name: "Parent" } })).id;
  appId = (await prisma.app.create({ data: { workspaceId, name: "Parent", slug: "parent", kind: AppKind.workflow, draft: {} } })).id;
  appVersionId = (await prisma.appVersion.create({ data: { workspaceId, appId, version: 1, document: {} } })).id;
  runId = (await prisma.run.create({ data: { workspaceId, appId } })).id;
});

afterAll(async () => {
  await database?.close();
});

describe("CRUD on every column", () => {
  it("Workspace", async () => {
    const data = {
      id: randomUUID(),
      name: "Acme",
      slug: "acme",
      settings: { allowedHosts: ["api.example.com"], defaults: { model: "ollama:qwen2.5:3b", temperature: 0.2, stop: null } },
      createdAt,
      updatedAt: createdAt,
    };
    const row = await prisma.workspace.create({ data });
    expect(row).toEqual(data);
    expect(await prisma.workspace.findUnique({ where: { id: data.id } })).toEqual(data);
    await expectColumnsMatchFields(prisma, "workspaces", row);

    const updated = await prisma.workspace.update({ where: { id: data.id }, data: { name: "Acme Corp", settings: { allowedHosts: [] } } });
    expect(updated).toEqual({ ...data, name: "Acme Corp", settings: { allowedHosts: [] }, updatedAt: updated.updatedAt });
    expect(updated.updatedAt.getTime()).toBeGreaterThan(createdAt.getTime());

    await prisma.workspace.delete({ where: { id: data.id } });
    expect(await prisma.workspace.findUnique({ where: { id: data.id } })).toBeNull();
  });

  it("User", async () => {
    const data = {
      id: randomUUID(),
      email: "ada@example.com",
      name: "Ada Lovelace",
      passwordHash: "scrypt$16384$8$1$c2FsdA$aGFzaA",
      lastLoginAt: laterAt,
      createdAt,
      updatedAt: createdAt,
    };
    const row = await prisma.user.create({ data });
    expect(row).toEqual(data);
    expect(await prisma.user.findUnique({ where: { email: data.email } })).toEqual(data);
    await expectColumnsMatchFields(prisma, "users", row);

    const updated = await prisma.user.update({ where: { id: data.id }, data: { passwordHash: null, lastLoginAt: null } });
    expect(updated).toMatchObject({ passwordHash: null, lastLoginAt: null, name: data.name });

    await prisma.user.delete({ where: { id: data.id } });
    expect(await prisma.user.findUnique({ where: { id: data.id } })).toBeNull();
  });

  it("Membership", async () => {
    const data = { id: randomUUID(), workspaceId, userId, role: MembershipRole.admin, createdAt };
    const row = await prisma.membership.create({ data });
    expect(row).toEqual(data);
    expect(await prisma.membership.findUnique({ where: { workspaceId_userId: { workspaceId, userId } } })).toEqual(data);
    await expectColumnsMatchFields(prisma, "memberships", row);

    const updated = await prisma.membership.update({ where: { id: data.id }, data: { role: MembershipRole.viewer } });
    expect(updated).toEqual({ ...data, role: MembershipRole.viewer });

    await prisma.membership.delete({ where: { id: data.id } });
    expect(await prisma.membership.findUnique({ where: { id: data.id } })).toBeNull();
  });

  it("App", async () => {
    const data = {
      id: randomUUID(),
      workspaceId,
      name: "Support bot",
      slug: "support-bot",
      kind: AppKind.chatflow,
      description: "Answers questions from the handbook",
      icon: "🤖",
      draft: { version: 1, nodes: [{ id: "start", type: "start" }], edges: [] },
      draftUpdatedAt: laterAt,
      private: true,
      createdAt,
      updatedAt: createdAt,
    };
    const row = await prisma.app.create({ data });
    expect(row).toEqual(data);
    expect(await prisma.app.findUnique({ where: { workspaceId_slug: { workspaceId, slug: data.slug } } })).toEqual(data);
    await expectColumnsMatchFields(prisma, "apps", row);

    const updated = await prisma.app.update({ where: { id: data.id }, data: { kind: AppKind.workflow, icon: null, private: false } });
    expect(updated).toEqual({ ...data, kind: AppKind.workflow, icon: null, private: false, updatedAt: updated.updatedAt });

    await prisma.app.delete({ where: { id: data.id } });
    expect(await prisma.app.findUnique({ where: { id: data.id } })).toBeNull();
  });

  it("AppVersion", async () => {
    const data = {
      id: randomUUID(),
      workspaceId,
      appId,
      version: 2,
      document: { version: 1, nodes: [], edges: [], variables: { greeting: "héllo" } },
      notes: "First public release",
      publishedBy: userId,
      createdAt,
    };
    const row = await prisma.appVersion.create({ data });
    expect(row).toEqual(data);
    expect(await prisma.appVersion.findUnique({ where: { appId_version: { appId, version: 2 } } })).toEqual(data);
    await expectColumnsMatchFields(prisma, "app_versions", row);

    const updated = await prisma.appVersion.update({ where: { id: data.id }, data: { notes: "Release notes fixed", publishedBy: null } });
    expect(updated).toEqual({ ...data, notes: "Release notes fixed", publishedBy: null });

    await prisma.appVersion.delete({ where: { id: data.id } });
    expect(await prisma.appVersion.findUnique({ where: { id: data.id } })).toBeNull();
  });

  it("Conversation, with its runs as messages", async () => {
    const data = { id: randomUUID(), workspaceId, appId, endUser: "customer-17", name: "Refunds", createdAt, updatedAt: laterAt };
    const row = await prisma.conversation.create({ data });
    expect(row).toEqual(data);
    await expectColumnsMatchFields(prisma, "conversations", row);
    const message = await prisma.run.create({ data: { workspaceId, appId, conversationId: data.id, query: "And for digital goods?" } });
    const read = await prisma.conversation.findUniqueOrThrow({ where: { id: data.id }, include: { runs: true } });
    expect(read.runs.map((run) => run.query)).toEqual(["And for digital goods?"]);
    // Gone with its conversation.
    await prisma.conversation.delete({ where: { id: data.id } });
    expect(await prisma.run.findUnique({ where: { id: message.id } })).toBeNull();
  });

  it("Run, with a Decimal(18,8) cost beyond double precision", async () => {
    const conversationId = (await prisma.conversation.create({ data: { workspaceId, appId, endUser: "customer-17" } })).id;
    const data = {
      id: randomUUID(),
      workspaceId,
      appId,
      appVersionId,
      status: RunStatus.succeeded,
      trigger: "api",
      document: { version: 1, nodes: [], edges: [] },
      inputs: { question: "What is our refund policy?" },
      outputs: ["an answer", 42, { cited: true }],
      error: "none, kept for the test",
      conversationId,
      query: "What is our refund policy?",
      history: [{ role: "user", content: "Hello" }, { role: "assistant", content: "Hi, how can I help?" }],
      idempotencyKey: "request-7",
      callbackUrl: "https://hooks.example.com/tandem",
      callbackStatus: "delivered",
      apiKeyId: null,
      endUser: "customer-17",
      totalTokens: 2_147_483_647,
      totalSteps: 12,
      elapsedMs: 1_234,
      createdAt,
      startedAt: createdAt,
      finishedAt: laterAt,
    };
    const row = await prisma.run.create({ data: { ...data, totalCost: "1234567890.12345678" } });
    const { totalCost, ...rest } = row;
    expect(rest).toEqual(data);
    expect(totalCost.toFixed(8)).toBe("1234567890.12345678");
    const read = await prisma.run.findUniqueOrThrow({ where: { appId_idempotencyKey: { appId, idempotencyKey: "request-7" } } });
    expect(read.totalCost.toFixed(8)).toBe("1234567890.12345678");
    await expectColumnsMatchFields(prisma, "runs", row);

    const updated = await prisma.run.update({
      where: { id: data.id },
      data: { status: RunStatus.stopped, totalCost: { increment: "0.00000001" }, outputs: { partial: true } },
    });
    expect(updated).toMatchObject({ status: RunStatus.stopped, outputs: { partial: true }, inputs: data.inputs });
    expect(updated.totalCost.toFixed(8)).toBe("1234567890.12345679");

    await prisma.run.delete({ where: { id: data.id } });
    expect(await prisma.run.findUnique({ where: { id: data.id } })).toBeNull();
  });

  it("NodeExecution", async () => {
    const data = {
      id: randomUUID(),
      workspaceId,
      runId,
      nodeId: "llm-1",
      nodeType: "llm",
      title: "Answer",
      index: 3,
      iterationIndex: 5,
      status: NodeExecutionStatus.exception,
      attempt: 2,
      inputs: { prompt: "Hi" },
      outputs: "plain text output",
      error: "model timed out",
      model: { provider: "ollama", model: "qwen2.5:3b", fallbacks: [{ model: "llama3.2:1b", reason: "timeout" }] },
      tokensIn: 120,
      tokensOut: 48,
      startedAt: createdAt,
      finishedAt: laterAt,
      elapsedMs: 950,
    };
    const row = await prisma.nodeExecution.create({ data: { ...data, cost: "0.00000001" } });
    const { cost, ...rest } = row;
    expect(rest).toEqual(data);
    expect(cost.toFixed(8)).toBe("0.00000001");
    const read = await prisma.nodeExecution.findUniqueOrThrow({ where: { id: data.id } });
    expect(read.outputs).toBe("plain text output");
    await expectColumnsMatchFields(prisma, "node_executions", row);

    const updated = await prisma.nodeExecution.update({
      where: { id: data.id },
      data: { status: NodeExecutionStatus.skipped, iterationIndex: null, tokensOut: { increment: 2 } },
    });
    expect(updated).toMatchObject({ status: NodeExecutionStatus.skipped, iterationIndex: null, tokensOut: 50 });

    await prisma.nodeExecution.delete({ where: { id: data.id } });
    expect(await prisma.nodeExecution.findUnique({ where: { id: data.id } })).toBeNull();
  });

  it("RunEvent, with a BigInt id beyond Number.MAX_SAFE_INTEGER", async () => {
    const data = {
      id: 9_007_199_254_740_993n,
      workspaceId,
      runId,
      seq: 1,
      type: "node-delta",
      data: { nodeId: "llm-1", delta: "Hel" },
      createdAt,
    };
    const row = await prisma.runEvent.create({ data });
    expect(row).toEqual(data);
    expect(await prisma.runEvent.findUnique({ where: { id: data.id } })).toEqual(data);
    await expectColumnsMatchFields(prisma, "run_events", row);

    const generated = await prisma.runEvent.create({ data: { workspaceId, runId, seq: 2, type: "run-end", data: {} } });
    expect(typeof generated.id).toBe("bigint");

    const updated = await prisma.runEvent.update({ where: { runId_seq: { runId, seq: 1 } }, data: { data: { delta: "Hello" } } });
    expect(updated).toEqual({ ...data, data: { delta: "Hello" } });

    await prisma.runEvent.deleteMany({ where: { runId } });
    expect(await prisma.runEvent.findUnique({ where: { id: data.id } })).toBeNull();
  });

  it("ApiKey", async () => {
    const generated = generateApiKey();
    const data = {
      id: randomUUID(),
      workspaceId,
      appId,
      appVersionId,
      name: "Website widget",
      prefix: generated.prefix,
      keyHash: generated.hash,
      scopes: ["run", "read:logs"],
      rateLimitPerMin: 60,
      concurrencyLimit: 4,
      lastUsedAt: laterAt,
      revokedAt: laterAt,
      createdAt,
    };
    const row = await prisma.apiKey.create({ data });
    expect(row).toEqual(data);
    expect(await prisma.apiKey.findUnique({ where: { keyHash: generated.hash } })).toEqual(data);
    await expectColumnsMatchFields(prisma, "api_keys", row);

    const updated = await prisma.apiKey.update({ where: { id: data.id }, data: { scopes: { push: "admin" }, revokedAt: null } });
    expect(updated).toEqual({ ...data, scopes: ["run", "read:logs", "admin"], revokedAt: null });

    await prisma.apiKey.delete({ where: { id: data.id } });
    expect(await prisma.apiKey.findUnique({ where: { id: data.id } })).toBeNull();
  });
});
