// CRUD through the knowledge, data-source and model-provider models with every column set: proves the
// Prisma schema and the hand-written SQL migration agree, including the pgvector column Prisma cannot read.
import { randomBytes, randomUUID } from "node:crypto";
import {
  DataSourceKind,
  DocumentStage,
  DocumentStatus,
  IndexMode,
  ModelProviderKind,
  createSecretBox,
  openDatabase,
  toVectorLiteral,
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
let knowledgeBaseId = "";
let documentId = "";
let chunkId = "";

beforeAll(async () => {
  database = await openDatabase({ dataDir: "memory://" });
  prisma = database.prisma;
  workspaceId = (await prisma.workspace.create({ data: { name: "Parent", slug: "parent" } })).id;
  knowledgeBaseId = (await prisma.knowledgeBase.create({ data: { workspaceId, name: "Parent" } })).id;
  const documentParent = { workspaceId, knowledgeBaseId, mimeType: "text/plain", sizeBytes: 1, storageKey: "p", contentHash: "p" };
  documentId = (await prisma.document.create({ data: { ...documentParent, name: "parent.txt" } })).id;
  chunkId = (await prisma.chunk.create({ data: { workspaceId, knowledgeBaseId, documentId, position: 0, text: "parent" } })).id;
});

afterAll(async () => {
  await database?.close();
});

describe("CRUD on every column", () => {
  it("KnowledgeBase", async () => {
    const data = {
      id: randomUUID(),
      workspaceId,
      name: "Handbook",
      description: "Company policies",
      indexMode: IndexMode.high_quality,
      embeddingModel: "ollama:nomic-embed-text",
      embeddingDimensions: 768,
      chunking: { mode: "parent-child", maxTokens: 512, overlap: 64, separators: ["\n\n", "\n"] },
      retrieval: { mode: "hybrid", topK: 5, threshold: 0.35, weights: { vector: 0.7, keyword: 0.3 } },
      private: true,
      documentCount: 3,
      chunkCount: 30,
      tokenCount: 9_000,
      keywordTermTotal: 4_500n,
      createdAt,
      updatedAt: createdAt,
    };
    const row = await prisma.knowledgeBase.create({ data });
    expect(row).toEqual(data);
    expect(await prisma.knowledgeBase.findUnique({ where: { id: data.id } })).toEqual(data);
    await expectColumnsMatchFields(prisma, "knowledge_bases", row);

    const updated = await prisma.knowledgeBase.update({
      where: { id: data.id },
      data: { indexMode: IndexMode.keyword, embeddingModel: null, embeddingDimensions: null },
    });
    expect(updated).toEqual({ ...data, indexMode: IndexMode.keyword, embeddingModel: null, embeddingDimensions: null, updatedAt: updated.updatedAt });

    await prisma.knowledgeBase.delete({ where: { id: data.id } });
    expect(await prisma.knowledgeBase.findUnique({ where: { id: data.id } })).toBeNull();
  });

  it("Document", async () => {
    const data = {
      id: randomUUID(),
      workspaceId,
      knowledgeBaseId,
      name: "Refunds.pdf",
      mimeType: "application/pdf",
      sizeBytes: 123_456,
      storageKey: "documents/refunds.pdf",
      contentHash: "sha256:abc",
      status: DocumentStatus.failed,
      stage: DocumentStage.embedding,
      progress: 42,
      error: "the embedding model is unreachable",
      tags: ["policy", "2024", "ünïcode"],
      metadata: { department: "finance", reviewed: false, pages: 12 },
      chunkCount: 7,
      tokenCount: 2_048,
      indexSignature: "v1:abc",
      errorCode: "embedding_failed",
      attempts: 2,
      processingStartedAt: createdAt,
      processedAt: laterAt,
      createdAt,
      updatedAt: createdAt,
    };
    const row = await prisma.document.create({ data });
    expect(row).toEqual(data);
    expect(await prisma.document.findFirst({ where: { tags: { has: "ünïcode" } } })).toEqual(data);
    await expectColumnsMatchFields(prisma, "documents", row);

    const updated = await prisma.document.update({
      where: { id: data.id },
      data: { status: DocumentStatus.ready, stage: DocumentStage.done, progress: 100, error: null, tags: [] },
    });
    expect(updated).toEqual({
      ...data,
      status: DocumentStatus.ready,
      stage: DocumentStage.done,
      progress: 100,
      error: null,
      tags: [],
      updatedAt: updated.updatedAt,
    });

    await prisma.document.delete({ where: { id: data.id } });
    expect(await prisma.document.findUnique({ where: { id: data.id } })).toBeNull();
  });

  it("Chunk, including its pgvector embedding through raw SQL", async () => {
    const data = {
      id: randomUUID(),
      workspaceId,
      knowledgeBaseId,
      documentId,
      position: 1,
      parentId: chunkId,
      text: "Refunds are issued within 14 days.",
      metadata: { page: 3, headings: ["Policies", "Refunds"] },
      tokenCount: 9,
      termCount: 6,
      isParent: false,
      createdAt,
    };
    const row = await prisma.chunk.create({ data });
    expect(row).toEqual(data);
    expect(await prisma.chunk.findUnique({ where: { documentId_position: { documentId, position: 1 } } })).toEqual(data);
    await expectColumnsMatchFields(prisma, "chunks", row, ["embedding"]);

    await prisma.$executeRaw`UPDATE chunks SET embedding = ${toVectorLiteral([0.5, -1, 2])}::vector WHERE id = ${data.id}::uuid`;
    const embeddings = await prisma.$queryRaw<Array<{ embedding: string }>>`
      SELECT embedding::text AS embedding FROM chunks WHERE id = ${data.id}::uuid`;
    expect(embeddings).toEqual([{ embedding: "[0.5,-1,2]" }]);

    const updated = await prisma.chunk.update({ where: { id: data.id }, data: { parentId: null, text: "Refunds take 14 days." } });
    expect(updated).toEqual({ ...data, parentId: null, text: "Refunds take 14 days." });

    await prisma.chunk.delete({ where: { id: data.id } });
    expect(await prisma.chunk.findUnique({ where: { id: data.id } })).toBeNull();
  });

  it("ChunkTerm, keyed by chunk and term", async () => {
    const data = { knowledgeBaseId, workspaceId, chunkId, documentId, term: "refund", frequency: 3, chunkLength: 12 };
    const row = await prisma.chunkTerm.create({ data });
    expect(row).toEqual(data);
    expect(await prisma.chunkTerm.findUnique({ where: { chunkId_term: { chunkId, term: "refund" } } })).toEqual(data);
    await expectColumnsMatchFields(prisma, "chunk_terms", row);

    const updated = await prisma.chunkTerm.update({ where: { chunkId_term: { chunkId, term: "refund" } }, data: { frequency: 4 } });
    expect(updated).toEqual({ ...data, frequency: 4 });

    await prisma.chunkTerm.delete({ where: { chunkId_term: { chunkId, term: "refund" } } });
    expect(await prisma.chunkTerm.findUnique({ where: { chunkId_term: { chunkId, term: "refund" } } })).toBeNull();
  });

  it("DocumentFile, holding the uploaded bytes", async () => {
    const file = await prisma.document.create({
      data: { workspaceId, knowledgeBaseId, name: "file.bin", mimeType: "application/octet-stream", sizeBytes: 4, storageKey: "f", contentHash: "f" },
    });
    const data = { documentId: file.id, workspaceId, content: new Uint8Array([0, 1, 254, 255]), createdAt };
    const row = await prisma.documentFile.create({ data });
    expect(row).toEqual(data);
    await expectColumnsMatchFields(prisma, "document_files", row);
    const updated = await prisma.documentFile.update({ where: { documentId: file.id }, data: { content: new Uint8Array([7]) } });
    expect(updated.content).toEqual(new Uint8Array([7]));
    // Deleting the document deletes its file.
    await prisma.document.delete({ where: { id: file.id } });
    expect(await prisma.documentFile.findUnique({ where: { documentId: file.id } })).toBeNull();
  });

  it("DataSource, with credentials sealed by the secret box", async () => {
    const secretBox = createSecretBox(randomBytes(32));
    const data = {
      id: randomUUID(),
      workspaceId,
      name: "Orders database",
      kind: DataSourceKind.mysql,
      config: { host: "127.0.0.1", port: 3306, database: "orders" },
      credentialsEncrypted: secretBox.seal(JSON.stringify({ user: "reader", password: "s3cret" })),
      statementTimeoutMs: 5_000,
      rowCap: 200,
      concurrencyCap: 2,
      schemaCache: { tables: [{ name: "orders", columns: ["id", "total"] }] },
      schemaCachedAt: laterAt,
      annotations: { orders: "One row per customer order" },
      createdAt,
      updatedAt: createdAt,
    };
    const row = await prisma.dataSource.create({ data });
    expect(row).toEqual(data);
    const read = await prisma.dataSource.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId, name: data.name } } });
    expect(read).toEqual(data);
    expect(JSON.parse(secretBox.open(read.credentialsEncrypted ?? ""))).toEqual({ user: "reader", password: "s3cret" });
    await expectColumnsMatchFields(prisma, "data_sources", row);

    const updated = await prisma.dataSource.update({
      where: { id: data.id },
      data: { kind: DataSourceKind.http_api, credentialsEncrypted: null, schemaCachedAt: null },
    });
    expect(updated).toMatchObject({ kind: DataSourceKind.http_api, credentialsEncrypted: null, schemaCachedAt: null, rowCap: 200 });

    await prisma.dataSource.delete({ where: { id: data.id } });
    expect(await prisma.dataSource.findUnique({ where: { id: data.id } })).toBeNull();
  });

  it("ModelProvider", async () => {
    const data = {
      id: randomUUID(),
      workspaceId,
      name: "ollama",
      kind: ModelProviderKind.ollama,
      preset: "ollama",
      baseUrl: "http://127.0.0.1:11434",
      apiKeyEncrypted: "v1.iv.tag.ciphertext",
      isLocal: true,
      settings: { keepAlive: "5m" },
      capabilities: { "qwen2.5:3b": { tools: true, vision: false } },
      createdAt,
      updatedAt: createdAt,
    };
    const row = await prisma.modelProvider.create({ data });
    expect(row).toEqual(data);
    expect(await prisma.modelProvider.findUnique({ where: { workspaceId_name: { workspaceId, name: "ollama" } } })).toEqual(data);
    await expectColumnsMatchFields(prisma, "model_providers", row);

    const updated = await prisma.modelProvider.update({
      where: { id: data.id },
      data: { kind: ModelProviderKind.openai_compatible, isLocal: false, preset: null },
    });
    expect(updated).toEqual({ ...data, kind: ModelProviderKind.openai_compatible, isLocal: false, preset: null, updatedAt: updated.updatedAt });

    await prisma.modelProvider.delete({ where: { id: data.id } });
    expect(await prisma.modelProvider.findUnique({ where: { id: data.id } })).toBeNull();
  });
});
