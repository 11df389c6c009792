import { randomUUID } from "node:crypto";
import { AppKind, MembershipRole, generateApiKey, type PrismaClient } from "@tandem/db";

/** The ids of one row of every model, all in one workspace. */
export interface WorkspaceGraph {
  workspaceId: string;
  userId: string;
  appId: string;
  appVersionId: string;
  runId: string;
  knowledgeBaseId: string;
  documentId: string;
  chunkId: string;
  apiKeyHash: string;
}

/** Creates a workspace holding one row of every workspace-scoped model, plus a member user. */
export async function seedWorkspaceGraph(prisma: PrismaClient, label: string): Promise<WorkspaceGraph> {
  const unique = `${label}-${randomUUID().slice(0, 8)}`;
  const { id: workspaceId } = await prisma.workspace.create({ data: { name: label, slug: unique } });
  const { id: userId } = await prisma.user.create({ data: { email: `${unique}@example.com`, name: label } });
  await prisma.membership.create({ data: { workspaceId, userId, role: MembershipRole.owner } });

  const { id: appId } = await prisma.app.create({
    data: { workspaceId, name: label, slug: "app", kind: AppKind.workflow, draft: { nodes: [] } },
  });
  const { id: appVersionId } = await prisma.appVersion.create({
    data: { workspaceId, appId, version: 1, document: { nodes: [] }, publishedBy: userId },
  });
  const { id: runId } = await prisma.run.create({ data: { workspaceId, appId, appVersionId, idempotencyKey: "once" } });
  await prisma.nodeExecution.create({ data: { workspaceId, runId, nodeId: "start", nodeType: "start", index: 1 } });
  await prisma.runEvent.create({ data: { workspaceId, runId, seq: 1, type: "run-start", data: {} } });
  const apiKey = generateApiKey();
  await prisma.apiKey.create({
    data: { workspaceId, appId, appVersionId, name: label, prefix: apiKey.prefix, keyHash: apiKey.hash },
  });

  const { id: knowledgeBaseId } = await prisma.knowledgeBase.create({ data: { workspaceId, name: label } });
  const { id: documentId } = await prisma.document.create({
    data: { workspaceId, knowledgeBaseId, name: "a.txt", mimeType: "text/plain", sizeBytes: 5, storageKey: unique, contentHash: unique },
  });
  const { id: chunkId } = await prisma.chunk.create({ data: { workspaceId, knowledgeBaseId, documentId, position: 0, text: "hello" } });
  await prisma.chunkTerm.create({ data: { workspaceId, knowledgeBaseId, chunkId, documentId, term: "hello", frequency: 1, chunkLength: 1 } });
  await prisma.documentFile.create({ data: { documentId, workspaceId, content: new Uint8Array([104, 105]) } });

  await prisma.dataSource.create({ data: { workspaceId, name: "warehouse", kind: "postgresql" } });
  await prisma.modelProvider.create({ data: { workspaceId, name: "ollama", kind: "ollama" } });

  return { workspaceId, userId, appId, appVersionId, runId, knowledgeBaseId, documentId, chunkId, apiKeyHash: apiKey.hash };
}
