import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTandem, resolveRuntimeConfig, saveModelProvider, type Tandem } from "@tandem/runner";
import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";

export interface CorpusDocument {
  id: string;
  title: string;
  text: string;
}

export interface ProductIndex {
  tandem: Tandem;
  workspaceId: string;
  knowledgeBaseId: string;
  /** Seconds from the first upload to the last document ready. */
  ingestSeconds: number;
  documents: number;
  chunks: number;
  failed: number;
  /** Ranked corpus ids through the product's retriever (hit testing). */
  search(query: string, mode: "keyword" | "vector" | "hybrid", limit: number): Promise<string[]>;
  close(): Promise<void>;
}

export interface ProductIndexOptions {
  /** high_quality embeds with the testkit's hashing embeddings through the scripted model server. */
  indexMode: "keyword" | "high_quality";
  /** Dimensions of the hashing embeddings (high-quality mode). */
  embeddingDimensions?: number;
  /** Files per upload call. */
  uploadBatch?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Builds a knowledge base through the product's own path, the way a user would in embedded mode:
 * Tandem on embedded PGlite in a temporary folder, in-process jobs, each corpus entry uploaded as a
 * `<id>.txt` file (title, blank line, text), ingested by the ingest-documents jobs, searched with the
 * hit-testing API. High-quality mode embeds through the scripted OpenAI-compatible server (hashing
 * embeddings: no model is reachable here).
 */
export async function buildProductIndex(corpus: readonly CorpusDocument[], options: ProductIndexOptions): Promise<ProductIndex> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "tandem-bench-"));
  let models: ScriptedModelServer | null = null;
  const tandem = await createTandem(resolveRuntimeConfig({ TANDEM_DATA_DIR: dataDir }), "web");
  try {
    const { prisma } = tandem.db;
    const workspace = await prisma.workspace.create({ data: { name: "Bench", slug: "bench" } });
    if (options.indexMode === "high_quality") {
      models = await startScriptedModelServer({ models: ["hashing-embed"], embeddingDimensions: options.embeddingDimensions ?? 256 });
      await saveModelProvider(prisma, tandem.secrets, workspace.id, { name: "lab", kind: "openai_compatible", baseUrl: models.openaiBaseUrl, isLocal: true, settings: {} });
    }
    const knowledgeBase = await tandem.knowledge.createKnowledgeBase(workspace.id, {
      name: "Corpus",
      indexMode: options.indexMode,
      ...(options.indexMode === "high_quality" ? { embeddingModel: "lab:hashing-embed" } : {}),
    });
    const encoder = new TextEncoder();
    const started = performance.now();
    const batch = options.uploadBatch ?? 1000;
    for (let start = 0; start < corpus.length; start += batch) {
      const files = corpus.slice(start, start + batch).map((entry) => ({ name: `${entry.id}.txt`, bytes: encoder.encode(`${entry.title}\n\n${entry.text}`), mimeType: "text/plain" }));
      const result = await tandem.knowledge.uploadDocuments(workspace.id, knowledgeBase.id, files, { maxFiles: batch });
      if (result.rejected.length > 0) throw new Error(`Upload refused: ${JSON.stringify(result.rejected.slice(0, 3))}`);
    }
    for (;;) {
      const counts = await prisma.document.groupBy({ by: ["status"], where: { knowledgeBaseId: knowledgeBase.id }, _count: true });
      const pending = counts.filter((row) => row.status === "queued" || row.status === "processing").reduce((sum, row) => sum + row._count, 0);
      options.onProgress?.(corpus.length - pending, corpus.length);
      if (pending === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ingestSeconds = (performance.now() - started) / 1000;
    const failed = await prisma.document.count({ where: { knowledgeBaseId: knowledgeBase.id, status: "failed" } });
    const view = await tandem.knowledge.getKnowledgeBase(workspace.id, knowledgeBase.id);
    return {
      tandem,
      workspaceId: workspace.id,
      knowledgeBaseId: knowledgeBase.id,
      ingestSeconds,
      documents: view.documentCount,
      chunks: view.chunkCount,
      failed,
      async search(query, mode, limit) {
        const result = await tandem.knowledge.hitTest(workspace.id, { knowledgeBaseIds: [knowledgeBase.id], query, settings: { mode, topK: limit } });
        const ids: string[] = [];
        for (const hit of result.hits) {
          const id = hit.documentName.replace(/\.txt$/, "");
          if (!ids.includes(id)) ids.push(id);
        }
        return ids;
      },
      close: () => closeAll(tandem, models, dataDir),
    };
  } catch (error) {
    await closeAll(tandem, models, dataDir);
    throw error;
  }
}

async function closeAll(tandem: Tandem, models: ScriptedModelServer | null, dataDir: string): Promise<void> {
  await tandem.close();
  await models?.close();
  await rm(dataDir, { recursive: true, force: true });
}
