import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTandem, resolveRuntimeConfig, saveModelProvider, type DocumentView, type Tandem } from "@tandem/runner";
import { startScriptedModelServer, waitFor, type ScriptedModelServer } from "@tandem/testkit";

export interface KnowledgeFixture {
  tandem: Tandem;
  models: ScriptedModelServer;
  workspaceId: string;
  /** Waits until every document of the knowledge base is ready or failed, and returns them by name. */
  settle(knowledgeBaseId: string, timeoutMs?: number): Promise<Map<string, DocumentView>>;
  close(): Promise<void>;
}

/**
 * Tandem on embedded PGlite with in-process jobs (the web role, which processes them), a scripted
 * OpenAI-compatible model server registered as provider "lab" (hashing embeddings, a /rerank
 * endpoint), and a workspace.
 */
export async function startKnowledgeFixture(name: string): Promise<KnowledgeFixture> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `tandem-${name}-`));
  const models = await startScriptedModelServer({ models: ["embed-small", "rerank-small", "chat-small"] });
  const tandem = await createTandem(resolveRuntimeConfig({ TANDEM_DATA_DIR: dataDir }), "web");
  const { prisma } = tandem.db;
  const workspace = await prisma.workspace.create({ data: { name, slug: `${name}-${Date.now()}` } });
  await saveModelProvider(prisma, tandem.secrets, workspace.id, {
    name: "lab",
    kind: "openai_compatible",
    baseUrl: models.openaiBaseUrl,
    isLocal: true,
    settings: {},
  });
  return {
    tandem,
    models,
    workspaceId: workspace.id,
    async settle(knowledgeBaseId, timeoutMs = 30_000) {
      let documents: DocumentView[] = [];
      try {
        await waitFor(
          async () => {
            documents = (await tandem.knowledge.listDocuments(workspace.id, knowledgeBaseId, { limit: 500 })).documents;
            return documents.every((document) => document.status === "ready" || document.status === "failed") ? true : undefined;
          },
          { timeoutMs, intervalMs: 50, what: "ingestion to finish" },
        );
      } catch (error) {
        const states = documents.map((document) => [document.name, document.status, document.stage, document.error]);
        throw new Error(`${error instanceof Error ? error.message : String(error)} Documents: ${JSON.stringify(states)}`);
      }
      return new Map(documents.map((document) => [document.name, document]));
    },
    async close() {
      await tandem.close();
      await models.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
