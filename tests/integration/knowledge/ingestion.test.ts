// Ingestion end to end on embedded PGlite with in-process jobs: upload → store → parse → chunk →
// (embed through the scripted model server) → index; per-document status, failure isolation,
// idempotent retries, resume after a crash mid-embedding, re-indexing on settings changes, cascades.
import { ingestDocumentsJob } from "@tandem/runner";
import { makeDocx, makePdf, makeXlsx } from "@tandem/knowledge/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKnowledgeFixture, type KnowledgeFixture } from "./support/knowledge-fixture.ts";

const encoder = new TextEncoder();
const text = (value: string) => encoder.encode(value);

let fixture: KnowledgeFixture;

beforeAll(async () => {
  fixture = await startKnowledgeFixture("ingestion");
});

afterAll(async () => {
  await fixture?.close();
});

/** A document row inserted without enqueueing anything, so a test can run the job itself. */
async function storeWithoutJob(knowledgeBaseId: string, name: string, bytes: Uint8Array) {
  const { prisma } = fixture.tandem.db;
  const document = await prisma.document.create({
    data: { workspaceId: fixture.workspaceId, knowledgeBaseId, name, mimeType: "text/plain", sizeBytes: bytes.byteLength, storageKey: name, contentHash: name },
  });
  await prisma.documentFile.create({ data: { documentId: document.id, workspaceId: fixture.workspaceId, content: new Uint8Array(bytes) } });
  return document.id;
}

const context = (attempt = 1) => ({ signal: new AbortController().signal, attempt });

describe("ingestion", () => {
  it("indexes real PDF, DOCX, XLSX, Markdown and text files, and fails corrupt, empty and unsupported ones alone", async () => {
    const { knowledge } = fixture.tandem;
    const base = await knowledge.createKnowledgeBase(fixture.workspaceId, { name: "Handbook" });
    const upload = await knowledge.uploadDocuments(fixture.workspaceId, base.id, [
      { name: "policies.pdf", bytes: makePdf([["Refunds are issued within 14 days."], ["Parental leave lasts 16 weeks."]]), mimeType: "application/pdf" },
      { name: "travel.docx", bytes: await makeDocx([{ style: "Heading1", text: "Travel" }, { text: "Economy class for flights under six hours." }]) },
      { name: "prices.xlsx", bytes: await makeXlsx({ Prices: [["Plan", "Monthly"], ["Starter", 9], ["Team", 29]] }) },
      { name: "notes.md", bytes: text("# Security\n\nRotate API keys every 90 days.\n\n## Passwords\n\nUse a password manager."), tags: ["security"] },
      { name: "faq.txt", bytes: text("Support answers within one business day."), metadata: { department: "support", year: 2024 } },
      { name: "broken.pdf", bytes: text("%PDF-1.7\nthis is not a real pdf"), mimeType: "application/pdf" },
      { name: "empty.txt", bytes: new Uint8Array() },
      { name: "program.exe", bytes: new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]) },
      { name: "../../etc/notes.txt", bytes: text("Path components are dropped from names.") },
    ]);
    expect(upload.rejected).toEqual([]);
    expect(upload.documents.map((document) => document.name)).toContain("notes.txt");

    const documents = await fixture.settle(base.id);
    for (const name of ["policies.pdf", "travel.docx", "prices.xlsx", "notes.md", "faq.txt", "notes.txt"]) {
      expect(documents.get(name), name).toMatchObject({ status: "ready", stage: "done", progress: 100, error: null });
      expect(documents.get(name)?.chunkCount, name).toBeGreaterThan(0);
    }
    expect(documents.get("broken.pdf")).toMatchObject({ status: "failed", errorCode: "corrupt_document" });
    expect(documents.get("empty.txt")).toMatchObject({ status: "failed", errorCode: "empty_document" });
    expect(documents.get("program.exe")).toMatchObject({ status: "failed", errorCode: "unsupported_format" });
    expect(documents.get("broken.pdf")?.error).toMatch(/broken\.pdf/);

    // Chunks carry their document, page or section, and position.
    const pdf = documents.get("policies.pdf")!;
    const { chunks } = await knowledge.listChunks(fixture.workspaceId, pdf.id);
    expect(chunks.map((chunk) => (chunk.metadata as { page?: number }).page)).toEqual([1, 2]);
    expect(chunks.map((chunk) => chunk.position)).toEqual([0, 1]);
    const markdown = await knowledge.listChunks(fixture.workspaceId, documents.get("notes.md")!.id);
    expect(markdown.chunks.map((chunk) => (chunk.metadata as { heading?: string[] }).heading)).toContainEqual(["Security", "Passwords"]);

    // Counts shown in the studio follow the rows.
    const refreshed = await knowledge.getKnowledgeBase(fixture.workspaceId, base.id);
    const ready = [...documents.values()].filter((document) => document.status === "ready");
    expect(refreshed.documentCount).toBe(9);
    expect(refreshed.chunkCount).toBe(ready.reduce((sum, document) => sum + document.chunkCount, 0));
    expect(refreshed.tokenCount).toBe(ready.reduce((sum, document) => sum + document.tokenCount, 0));

    // A failed document can be retried; it fails again for the same reason, and nothing else changes.
    await knowledge.retryDocument(fixture.workspaceId, documents.get("broken.pdf")!.id);
    const again = await fixture.settle(base.id);
    expect(again.get("broken.pdf")).toMatchObject({ status: "failed", errorCode: "corrupt_document", attempts: 2 });
    expect(again.get("faq.txt")).toMatchObject({ status: "ready", attempts: 1 });
  });

  it("refuses oversized files and bad metadata per file, and unknown knowledge bases", async () => {
    const { knowledge } = fixture.tandem;
    const base = await knowledge.createKnowledgeBase(fixture.workspaceId, { name: "Limits" });
    const result = await knowledge.uploadDocuments(
      fixture.workspaceId,
      base.id,
      [
        { name: "big.txt", bytes: new Uint8Array(2048).fill(65) },
        { name: "tagged.txt", bytes: text("fine"), tags: ["x".repeat(100)] },
        { name: "ok.txt", bytes: text("A small file that is fine.") },
      ],
      { maxFileBytes: 1024 },
    );
    expect(result.documents.map((document) => document.name)).toEqual(["ok.txt"]);
    expect(result.rejected.map((entry) => [entry.name, entry.code])).toEqual([
      ["big.txt", "file_too_large"],
      ["tagged.txt", "invalid_upload"],
    ]);
    expect(result.rejected[0]?.message).toMatch(/over the 0\.0 MB limit|limit/);
    await expect(knowledge.uploadDocuments(fixture.workspaceId, crypto.randomUUID(), [{ name: "a.txt", bytes: text("a") }])).rejects.toMatchObject({ code: "not_found" });
    await expect(knowledge.uploadDocuments(fixture.workspaceId, base.id, [])).rejects.toMatchObject({ code: "invalid_upload" });
    await fixture.settle(base.id);
  });

  it("never duplicates chunks when a job runs twice, and skips documents already indexed", async () => {
    const { knowledge, db } = fixture.tandem;
    const base = await knowledge.createKnowledgeBase(fixture.workspaceId, { name: "Twice", chunking: { mode: "general", maxTokens: 20, overlapTokens: 0 } });
    const body = Array.from({ length: 12 }, (_, index) => `Sentence number ${index} talks about invoices and receipts.`).join(" ");
    const id = await storeWithoutJob(base.id, "twice.txt", text(body));
    const first = await ingestDocumentsJob(fixture.tandem.jobDependencies, [id], context());
    expect(first).toEqual({ ready: 1, failed: 0, skipped: 0, missing: 0 });
    const chunks = await db.prisma.chunk.findMany({ where: { documentId: id }, orderBy: { position: "asc" } });
    const postings = await db.prisma.chunkTerm.count({ where: { documentId: id } });
    expect(chunks.length).toBeGreaterThan(3);

    const second = await ingestDocumentsJob(fixture.tandem.jobDependencies, [id], context());
    expect(second).toEqual({ ready: 0, failed: 0, skipped: 1, missing: 0 });
    // Forced: the document is queued again (as a retry after a crash would find it) and re-ingested.
    await db.prisma.document.update({ where: { id }, data: { status: "processing", stage: "chunking" } });
    await ingestDocumentsJob(fixture.tandem.jobDependencies, [id], context(2));
    expect(await db.prisma.chunk.count({ where: { documentId: id } })).toBe(chunks.length);
    expect(await db.prisma.chunkTerm.count({ where: { documentId: id } })).toBe(postings);
    expect((await knowledge.getKnowledgeBase(fixture.workspaceId, base.id)).chunkCount).toBe(chunks.length);
    // A document deleted before its job ran is reported missing, not an error.
    expect(await ingestDocumentsJob(fixture.tandem.jobDependencies, [crypto.randomUUID()], context())).toEqual({ ready: 0, failed: 0, skipped: 0, missing: 1 });
  });

  it("embeds in high-quality mode, resumes after a crash mid-embedding without re-sending finished chunks, and reports progress", async () => {
    const { knowledge, db } = fixture.tandem;
    const base = await knowledge.createKnowledgeBase(fixture.workspaceId, {
      name: "Vectors",
      indexMode: "high_quality",
      embeddingModel: "lab:embed-small",
      chunking: { mode: "general", maxTokens: 12, overlapTokens: 0 },
    });
    // 600 short sentences: about 300 chunks, so more than one embedding round of 256.
    const body = Array.from({ length: 600 }, (_, index) => `Clause ${index} covers topic ${index % 17}.`).join(" ");
    const id = await storeWithoutJob(base.id, "contract.txt", text(body));
    fixture.models.resetCalls();
    // The first embedding round (4 requests of 64 texts) goes through; then the model server fails,
    // as if it crashed, until this try of the job gives up.
    fixture.models.addRule({ match: { endpoint: "embeddings" }, times: 4, reply: { type: "delay", ms: 0, then: { type: "echo" } } });
    fixture.models.addRule({ match: { endpoint: "embeddings" }, reply: { type: "error", status: 503, message: "model server restarting" } });
    await expect(ingestDocumentsJob(fixture.tandem.jobDependencies, [id], context(1))).rejects.toThrow(/restarting/i);
    const stalled = await db.prisma.document.findUniqueOrThrow({ where: { id } });
    expect(stalled).toMatchObject({ status: "processing", stage: "embedding", errorCode: "embedding_failed" });
    expect(stalled.progress).toBeGreaterThan(40);
    expect(stalled.progress).toBeLessThan(100);
    const embedded = (
      await db.prisma.$queryRaw<Array<{ embedded: number }>>`
        SELECT count(*)::int AS embedded FROM chunks WHERE document_id = ${id}::uuid AND embedding IS NOT NULL`
    )[0]!.embedded;
    const total = await db.prisma.chunk.count({ where: { documentId: id } });
    expect(embedded).toBeGreaterThan(0);
    expect(embedded).toBeLessThan(total);

    // The model server is back; the retry sends only the chunks that have no vector yet.
    fixture.models.clearRules();
    fixture.models.resetCalls();
    const chunkIdsBefore = (await db.prisma.chunk.findMany({ where: { documentId: id }, select: { id: true } })).map((chunk) => chunk.id).sort();
    const resumed = await ingestDocumentsJob(fixture.tandem.jobDependencies, [id], context(2));
    expect(resumed).toEqual({ ready: 1, failed: 0, skipped: 0, missing: 0 });
    const sent = fixture.models.calls.filter((call) => call.endpoint === "embeddings").reduce((sum, call) => sum + call.messages.length, 0);
    expect(sent).toBe(total - embedded);
    const chunkIdsAfter = (await db.prisma.chunk.findMany({ where: { documentId: id }, select: { id: true } })).map((chunk) => chunk.id).sort();
    expect(chunkIdsAfter).toEqual(chunkIdsBefore);
    expect(await db.prisma.document.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "ready", stage: "done", progress: 100, error: null });
    const refreshed = await knowledge.getKnowledgeBase(fixture.workspaceId, base.id);
    expect(refreshed.settings.embeddingDimensions).toBeGreaterThan(0);
  });

  it("marks documents failed when embedding fails on the last try, and keeps other knowledge bases untouched", async () => {
    const { knowledge, db } = fixture.tandem;
    const base = await knowledge.createKnowledgeBase(fixture.workspaceId, { name: "Down", indexMode: "high_quality", embeddingModel: "lab:embed-small" });
    const id = await storeWithoutJob(base.id, "down.txt", text("The embedding server is down today."));
    fixture.models.addRule({ match: { endpoint: "embeddings" }, reply: { type: "error", status: 500, message: "out of memory" } });
    try {
      expect(await ingestDocumentsJob(fixture.tandem.jobDependencies, [id], context(3))).toEqual({ ready: 0, failed: 1, skipped: 0, missing: 0 });
    } finally {
      fixture.models.clearRules();
    }
    const failed = await db.prisma.document.findUniqueOrThrow({ where: { id } });
    expect(failed).toMatchObject({ status: "failed", stage: "embedding", errorCode: "embedding_failed" });
    expect(failed.error).toMatch(/out of memory/);
    // Retrying resumes at embedding and succeeds now that the server answers.
    await knowledge.retryDocument(fixture.workspaceId, id);
    const documents = await fixture.settle(base.id);
    expect(documents.get("down.txt")).toMatchObject({ status: "ready" });
  });

  it("re-indexes when chunking or the embedding model change, not when only retrieval defaults do", async () => {
    const { knowledge, db } = fixture.tandem;
    const base = await knowledge.createKnowledgeBase(fixture.workspaceId, { name: "Settings", chunking: { mode: "general", maxTokens: 200, overlapTokens: 0 } });
    const body = Array.from({ length: 40 }, (_, index) => `Line ${index} is about shipping rates.`).join("\n");
    await knowledge.uploadDocuments(fixture.workspaceId, base.id, [{ name: "shipping.txt", bytes: text(body) }]);
    let documents = await fixture.settle(base.id);
    const before = documents.get("shipping.txt")!.chunkCount;

    const unchanged = await knowledge.updateKnowledgeBase(fixture.workspaceId, base.id, { retrieval: { topK: 3 }, name: "Settings (renamed)" });
    expect(unchanged.reindexing).toBe(0);
    expect(unchanged.settings.retrieval.topK).toBe(3);

    const rechunked = await knowledge.updateKnowledgeBase(fixture.workspaceId, base.id, { chunking: { mode: "general", maxTokens: 30, overlapTokens: 0 } });
    expect(rechunked.reindexing).toBe(1);
    documents = await fixture.settle(base.id);
    expect(documents.get("shipping.txt")!.chunkCount).toBeGreaterThan(before);

    const upgraded = await knowledge.updateKnowledgeBase(fixture.workspaceId, base.id, { indexMode: "high_quality", embeddingModel: "lab:embed-small" });
    expect(upgraded.reindexing).toBe(1);
    expect(upgraded.settings.retrieval.mode).toBe("keyword");
    await fixture.settle(base.id);
    const missing = (
      await db.prisma.$queryRaw<Array<{ missing: number }>>`
        SELECT count(*)::int AS missing FROM chunks WHERE knowledge_base_id = ${base.id}::uuid AND NOT is_parent AND embedding IS NULL`
    )[0]!.missing;
    expect(missing).toBe(0);

    await expect(knowledge.updateKnowledgeBase(fixture.workspaceId, base.id, { indexMode: "keyword", retrieval: { mode: "hybrid" } })).rejects.toMatchObject({
      code: "invalid_settings",
    });
    await expect(knowledge.createKnowledgeBase(fixture.workspaceId, { name: "x", indexMode: "high_quality" })).rejects.toThrow(/embedding model/);
    await expect(knowledge.createKnowledgeBase(fixture.workspaceId, { name: "" })).rejects.toMatchObject({ code: "invalid_settings" });
  });

  it("cascades deletes: a document takes its file, chunks and postings; a knowledge base its vector index", async () => {
    const { knowledge, db } = fixture.tandem;
    const base = await knowledge.createKnowledgeBase(fixture.workspaceId, { name: "Cascade", indexMode: "high_quality", embeddingModel: "lab:embed-small" });
    await knowledge.uploadDocuments(fixture.workspaceId, base.id, [
      { name: "a.txt", bytes: text("Alpha document about apples.") },
      { name: "b.txt", bytes: text("Beta document about bananas.") },
    ]);
    const documents = await fixture.settle(base.id);
    const a = documents.get("a.txt")!;
    await knowledge.deleteDocument(fixture.workspaceId, a.id);
    expect(await db.prisma.chunk.count({ where: { documentId: a.id } })).toBe(0);
    expect(await db.prisma.chunkTerm.count({ where: { documentId: a.id } })).toBe(0);
    expect(await db.prisma.documentFile.count({ where: { documentId: a.id } })).toBe(0);
    expect(await knowledge.getKnowledgeBase(fixture.workspaceId, base.id)).toMatchObject({ documentCount: 1, chunkCount: documents.get("b.txt")!.chunkCount });

    const indexName = `chunks_embedding_${base.id.replaceAll("-", "")}`;
    const indexes = async () => (await db.prisma.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = ${indexName}`)[0]?.n;
    expect(await indexes()).toBe(1);
    await knowledge.deleteKnowledgeBase(fixture.workspaceId, base.id);
    expect(await indexes()).toBe(0);
    expect(await db.prisma.chunk.count({ where: { knowledgeBaseId: base.id } })).toBe(0);
    await expect(knowledge.getKnowledgeBase(fixture.workspaceId, base.id)).rejects.toMatchObject({ code: "not_found" });
  });
});
