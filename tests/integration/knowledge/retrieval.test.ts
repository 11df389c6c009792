// Retrieval through the product's path on embedded PGlite: keyword (BM25), vector (HNSW with the
// scripted server's hashing embeddings), hybrid fusion, rerank through the gateway, thresholds,
// metadata filters, parent-child, several knowledge bases, workspace isolation, privacy, and the
// knowledge-retrieval node in a real workflow run.
import { validateWorkflow } from "@tandem/engine";
import { analyze, createBm25Index } from "@tandem/knowledge";
import { createRun, runWorkflowJob, saveModelProvider, type KnowledgeBaseView } from "@tandem/runner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKnowledgeFixture, type KnowledgeFixture } from "./support/knowledge-fixture.ts";

const encoder = new TextEncoder();

const handbook = [
  { name: "refunds.txt", text: "Refunds are issued within 14 days of a return. Refunds go to the original card.", tags: ["policy", "finance"], metadata: { department: "finance", year: 2024 } },
  { name: "leave.txt", text: "Parental leave lasts 16 weeks. Annual leave is 25 days per year.", tags: ["policy", "hr"], metadata: { department: "hr", year: 2023 } },
  { name: "security.txt", text: "Rotate API keys every 90 days. Use a password manager for every account.", tags: ["it"], metadata: { department: "it", year: 2024, owners: ["ana", "li"] } },
  { name: "travel.txt", text: "Book economy flights under six hours. Hotels must be booked through the travel desk.", tags: [], metadata: { department: "finance", year: 2022 } },
  { name: "support.txt", text: "Support answers tickets within one business day. Urgent tickets are paged.", tags: ["it"], metadata: {} },
];

let fixture: KnowledgeFixture;
let hybrid: KnowledgeBaseView;
let keywordOnly: KnowledgeBaseView;

beforeAll(async () => {
  fixture = await startKnowledgeFixture("retrieval");
  const { knowledge } = fixture.tandem;
  hybrid = await knowledge.createKnowledgeBase(fixture.workspaceId, { name: "Handbook", indexMode: "high_quality", embeddingModel: "lab:embed-small" });
  keywordOnly = await knowledge.createKnowledgeBase(fixture.workspaceId, { name: "Wiki" });
  await knowledge.uploadDocuments(
    fixture.workspaceId,
    hybrid.id,
    handbook.map((entry) => ({ name: entry.name, bytes: encoder.encode(entry.text), tags: entry.tags, metadata: entry.metadata })),
  );
  await knowledge.uploadDocuments(fixture.workspaceId, keywordOnly.id, [
    { name: "wiki-refunds.txt", bytes: encoder.encode("Wiki: refunds for damaged goods are immediate.") },
    { name: "wiki-office.txt", bytes: encoder.encode("Wiki: the office opens at 8am.") },
  ]);
  await fixture.settle(hybrid.id);
  await fixture.settle(keywordOnly.id);
});

afterAll(async () => {
  await fixture?.close();
});

/** The promise rejects with a KnowledgeError of this code whose message matches. */
async function expectKnowledgeError(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error: unknown = await promise.then(
    () => new Error("expected a rejection"),
    (reason: unknown) => reason,
  );
  expect(error).toMatchObject({ code });
  expect(error instanceof Error ? error.message : "").toMatch(message);
}

const hitTest = (request: Parameters<KnowledgeFixture["tandem"]["knowledge"]["hitTest"]>[1]) => fixture.tandem.knowledge.hitTest(fixture.workspaceId, request);

describe("retrieval", () => {
  it("keyword mode ranks by BM25 exactly as the in-memory reference, with scores normalised to the best", async () => {
    const result = await hitTest({ knowledgeBaseIds: [hybrid.id], query: "How many days until refunds are issued?", settings: { mode: "keyword", topK: 5 } });
    const reference = createBm25Index();
    for (const entry of handbook) reference.add(entry.name, analyze(entry.text));
    const expected = reference.search(analyze("How many days until refunds are issued?"), 5);
    // The same documents with the same scores (documents that tie may come in either order).
    expect(result.hits.map((hit) => hit.documentName).sort()).toEqual(expected.map((hit) => hit.id).sort());
    expect(result.hits[0]).toMatchObject({ documentName: "refunds.txt", score: 1, retrievers: ["keyword"], knowledgeBaseName: "Handbook" });
    result.hits.forEach((hit, index) => {
      expect(hit.scores.keyword?.rank).toBe(index + 1);
      expect(hit.scores.keyword?.raw).toBeCloseTo(expected.find((entry) => entry.id === hit.documentName)!.score, 9);
      expect(hit.score).toBeCloseTo(hit.scores.keyword!.raw / result.hits[0]!.scores.keyword!.raw, 12);
    });
    expect(result.trace).toMatchObject({ mode: "keyword", reranked: false, models: [] });
    expect(result.trace.queryTerms).toContain("refund");
  });

  it("vector mode ranks by cosine similarity of the embeddings and reports the embedding model", async () => {
    fixture.models.resetCalls();
    const result = await hitTest({ knowledgeBaseIds: [hybrid.id], query: "password manager for API keys", settings: { mode: "vector", topK: 3 } });
    expect(result.hits[0]).toMatchObject({ documentName: "security.txt", retrievers: ["vector"] });
    expect(result.hits[0]!.score).toBeGreaterThan(result.hits[1]!.score);
    expect(result.hits[0]!.scores.vector?.raw).toBeCloseTo(result.hits[0]!.score, 5);
    expect(result.trace.models).toEqual([expect.objectContaining({ purpose: "embedding", provider: "lab", model: "embed-small" })]);
    expect(fixture.models.calls.filter((call) => call.endpoint === "embeddings")).toHaveLength(1);
  });

  it("hybrid mode fuses both lists and says which retriever found each hit", async () => {
    const result = await hitTest({ knowledgeBaseIds: [hybrid.id], query: "refunds card", settings: { mode: "hybrid", topK: 5, fusion: { method: "rrf", k: 60 } } });
    const top = result.hits[0]!;
    expect(top.documentName).toBe("refunds.txt");
    expect(top.retrievers.sort()).toEqual(["keyword", "vector"]);
    expect(top.scores.fused).toBeCloseTo(1, 6);
    expect(result.trace.candidates.keyword).toBeGreaterThan(0);
    expect(result.trace.candidates.vector).toBeGreaterThan(0);
    const weighted = await hitTest({
      knowledgeBaseIds: [hybrid.id],
      query: "refunds card",
      settings: { mode: "hybrid", fusion: { method: "weighted", keywordWeight: 1, vectorWeight: 0 } },
    });
    expect(weighted.hits[0]!.score).toBeCloseTo(1, 6);
  });

  it("reranks through the gateway's rerank model, applies the threshold and top-k", async () => {
    fixture.models.resetCalls();
    const result = await hitTest({
      knowledgeBaseIds: [hybrid.id],
      query: "annual leave days",
      settings: { mode: "hybrid", topK: 2, rerank: { model: "lab:rerank-small" } },
    });
    expect(result.trace.reranked).toBe(true);
    expect(result.hits).toHaveLength(2);
    expect(result.hits[0]).toMatchObject({ documentName: "leave.txt" });
    expect(result.hits[0]!.scores.rerank).toBe(result.hits[0]!.score);
    const rerankCalls = fixture.models.calls.filter((call) => call.endpoint === "rerank");
    expect(rerankCalls).toHaveLength(1);
    expect(rerankCalls[0]!.model).toBe("rerank-small");

    const strict = await hitTest({ knowledgeBaseIds: [hybrid.id], query: "annual leave days", settings: { mode: "keyword", scoreThreshold: 0.99 } });
    expect(strict.hits.map((hit) => hit.documentName)).toEqual(["leave.txt"]);

    fixture.models.addRule({ match: { endpoint: "rerank" }, reply: { type: "error", status: 500, message: "reranker crashed" } });
    try {
      await expectKnowledgeError(hitTest({ knowledgeBaseIds: [hybrid.id], query: "leave", settings: { rerank: { model: "lab:rerank-small" } } }), "rerank_failed", /reranker crashed/);
    } finally {
      fixture.models.clearRules();
    }
  });

  it("filters by tags, custom fields with operators, and document names, in every mode", async () => {
    const names = async (filter: object, mode: "keyword" | "vector" | "hybrid" = "hybrid") =>
      (await hitTest({ knowledgeBaseIds: [hybrid.id], query: "days weeks hours policy tickets keys", settings: { mode, topK: 10 }, filter: filter as never })).hits
        .map((hit) => hit.documentName)
        .sort();
    for (const mode of ["keyword", "vector", "hybrid"] as const) {
      expect(await names({ conditions: [{ field: "tags", operator: "contains", value: "policy" }] }, mode)).toEqual(["leave.txt", "refunds.txt"]);
    }
    expect(await names({ conditions: [{ field: "department", operator: "eq", value: "finance" }, { field: "year", operator: "gte", value: 2023 }] })).toEqual(["refunds.txt"]);
    expect(await names({ logic: "or", conditions: [{ field: "department", operator: "in", value: ["hr", "it"] }, { field: "tags", operator: "empty" }] })).toEqual([
      "leave.txt",
      "security.txt",
      "travel.txt",
    ]);
    expect(await names({ conditions: [{ field: "owners", operator: "contains", value: "li" }] })).toEqual(["security.txt"]);
    expect(await names({ conditions: [{ field: "document_name", operator: "starts_with", value: "sup" }] })).toEqual(["support.txt"]);
    expect(await names({ conditions: [{ field: "department", operator: "empty" }] })).toEqual(["support.txt"]);
    expect(await names({ conditions: [{ field: "year", operator: "lt", value: 2023 }] })).toEqual(["travel.txt"]);
    await expectKnowledgeError(hitTest({ knowledgeBaseIds: [hybrid.id], query: "x", filter: { conditions: [{ field: "year", operator: "in", value: 2024 }] } }), "invalid_query", /needs a list/);
  });

  it("searches several knowledge bases together; keyword-only ones join hybrid searches through their keyword index", async () => {
    const result = await hitTest({ knowledgeBaseIds: [hybrid.id, keywordOnly.id], query: "refunds", settings: { mode: "hybrid", topK: 5 } });
    const names = result.hits.map((hit) => [hit.knowledgeBaseName, hit.documentName]);
    expect(names).toContainEqual(["Handbook", "refunds.txt"]);
    expect(names).toContainEqual(["Wiki", "wiki-refunds.txt"]);
    await expectKnowledgeError(hitTest({ knowledgeBaseIds: [keywordOnly.id], query: "refunds", settings: { mode: "vector" } }), "vector_unavailable", /"Wiki" is indexed for keyword search only/);
  });

  it("takes the knowledge base's retrieval defaults for every setting a request leaves out", async () => {
    const { knowledge } = fixture.tandem;
    const base = await knowledge.createKnowledgeBase(fixture.workspaceId, { name: "Defaults", retrieval: { topK: 2, scoreThreshold: 0.1 } });
    await knowledge.uploadDocuments(fixture.workspaceId, base.id, ["alpha one", "alpha two", "alpha three"].map((text, index) => ({ name: `${index}.txt`, bytes: encoder.encode(text) })));
    await fixture.settle(base.id);
    expect((await hitTest({ knowledgeBaseIds: [base.id], query: "alpha" })).hits).toHaveLength(2);
    expect((await hitTest({ knowledgeBaseIds: [base.id], query: "alpha", settings: { topK: undefined, mode: "keyword" } })).hits).toHaveLength(2);
    expect((await hitTest({ knowledgeBaseIds: [base.id], query: "alpha", settings: { topK: 3 } })).hits).toHaveLength(3);
  });

  it("returns the parent of matching children once, with the child that matched", async () => {
    const { knowledge } = fixture.tandem;
    const base = await knowledge.createKnowledgeBase(fixture.workspaceId, {
      name: "Parents",
      chunking: { mode: "parent-child", parent: { maxTokens: 60 }, child: { maxTokens: 12 } },
    });
    const manual = [
      "Chapter one. The espresso machine needs descaling every month. Descaling takes twenty minutes.",
      "Chapter two. The grinder burrs are replaced yearly. Clean the hopper weekly with a dry brush.",
    ].join("\n\n");
    await knowledge.uploadDocuments(fixture.workspaceId, base.id, [{ name: "manual.txt", bytes: encoder.encode(manual) }]);
    await fixture.settle(base.id);
    const result = await hitTest({ knowledgeBaseIds: [base.id], query: "descaling espresso", settings: { topK: 5 } });
    expect(result.hits).toHaveLength(result.hits.length);
    const first = result.hits[0]!;
    expect(first.text).toContain("Chapter one.");
    expect(first.text).toContain("Descaling takes twenty minutes.");
    expect(first.matchedText).toBeDefined();
    expect(first.text).toContain(first.matchedText!);
    expect(new Set(result.hits.map((hit) => hit.text)).size).toBe(result.hits.length);
  });

  it("keeps workspaces apart, refuses bad queries, and keeps private knowledge on local models", async () => {
    const { knowledge, db, secrets } = fixture.tandem;
    const other = await db.prisma.workspace.create({ data: { name: "Other", slug: `other-${Date.now()}` } });
    await expect(knowledge.hitTest(other.id, { knowledgeBaseIds: [hybrid.id], query: "refunds" })).rejects.toMatchObject({ code: "not_found" });
    await expect(knowledge.listDocuments(other.id, hybrid.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(hitTest({ knowledgeBaseIds: [hybrid.id], query: "   " })).rejects.toMatchObject({ code: "invalid_query" });
    await expect(hitTest({ knowledgeBaseIds: [hybrid.id], query: "x", settings: { topK: 0 } })).rejects.toMatchObject({ code: "invalid_query" });

    await saveModelProvider(db.prisma, secrets, fixture.workspaceId, { name: "cloud", kind: "openai_compatible", baseUrl: fixture.models.openaiBaseUrl, isLocal: false, apiKey: "sk-x", settings: {} });
    const secret = await knowledge.createKnowledgeBase(fixture.workspaceId, { name: "Secret", indexMode: "high_quality", embeddingModel: "cloud:embed-small", private: true });
    await knowledge.uploadDocuments(fixture.workspaceId, secret.id, [{ name: "salaries.txt", bytes: encoder.encode("Salaries are reviewed in March.") }]);
    const documents = await fixture.settle(secret.id);
    expect(documents.get("salaries.txt")).toMatchObject({ status: "failed", errorCode: "embedding_failed" });
    expect(documents.get("salaries.txt")?.error).toMatch(/local|private|cloud/i);
  });

  it("feeds a workflow: start → knowledge-retrieval → llm → end, with citations in the prompt", async () => {
    const { db } = fixture.tandem;
    const validation = validateWorkflow({
      schemaVersion: 1,
      kind: "workflow",
      graph: {
        nodes: [
          { id: "start", type: "start", version: 1, config: { variables: [{ name: "question", type: "text", required: true }] } },
          { id: "search", type: "knowledge-retrieval", version: 1, config: { query: ["start", "question"], knowledgeBaseIds: [hybrid.id], settings: { topK: 2 } } },
          {
            id: "answer",
            type: "llm",
            version: 1,
            config: { model: { model: "lab:chat-small" }, system: "Answer from the context:\n{{#search.context#}}", messages: [{ role: "user", text: "{{#start.question#}}" }], stream: false },
          },
          { id: "end", type: "end", version: 1, config: { outputs: [{ name: "answer", selector: ["answer", "text"] }, { name: "citations", selector: ["search", "citations"] }] } },
        ],
        edges: [
          { id: "e1", source: "start", target: "search" },
          { id: "e2", source: "search", target: "answer" },
          { id: "e3", source: "answer", target: "end" },
        ],
      },
    });
    expect(validation.problems).toEqual([]);
    fixture.models.addRule({ match: { system: "refunds.txt" }, reply: { type: "text", text: "Within 14 days [1]." } });
    try {
      const app = await db.prisma.app.create({ data: { workspaceId: fixture.workspaceId, name: "Bot", slug: `bot-${Date.now()}`, kind: "workflow", draft: {} } });
      const run = await createRun(db.prisma, { workspaceId: fixture.workspaceId, appId: app.id, document: validation.document!, inputs: { question: "When are refunds issued?" }, trigger: "api" });
      await runWorkflowJob(fixture.tandem.jobDependencies, run.id, new AbortController().signal);
      const finished = await db.prisma.run.findUniqueOrThrow({ where: { id: run.id }, include: { nodeExecutions: true } });
      expect(finished.status).toBe("succeeded");
      const outputs = finished.outputs as { answer: string; citations: Array<{ index: number; document_name: string }> };
      expect(outputs.answer).toBe("Within 14 days [1].");
      expect(outputs.citations[0]).toMatchObject({ index: 1, document_name: "refunds.txt" });
      const chat = fixture.models.calls.filter((call) => call.endpoint === "chat").at(-1)!;
      expect(chat.system).toContain("[1] refunds.txt");
    } finally {
      fixture.models.clearRules();
    }
  });
});
