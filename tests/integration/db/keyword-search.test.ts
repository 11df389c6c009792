// BM25 in SQL over chunk_terms on the embedded database, checked against the in-memory reference
// (createBm25Index from @tandem/knowledge) and against scores worked out by hand.
import { keywordSearch, openDatabase, writeDocumentChunks, type Database, type PrismaClient } from "@tandem/db";
import { analyze, createBm25Index } from "@tandem/knowledge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let database: Database;
let prisma: PrismaClient;
let workspaceId = "";

beforeAll(async () => {
  database = await openDatabase({ dataDir: "memory://" });
  prisma = database.prisma;
  workspaceId = (await prisma.workspace.create({ data: { name: "Keywords", slug: "keywords" } })).id;
});

afterAll(async () => {
  await database?.close();
});

interface SeededChunk {
  chunkId: string;
  documentId: string;
  terms: string[];
}

/** A knowledge base with one document per entry of `documents`, each document a list of chunks' terms. */
async function seedKnowledgeBase(name: string, documents: ReadonlyArray<ReadonlyArray<readonly string[]>>, tags: ReadonlyArray<readonly string[]> = []) {
  const { id: knowledgeBaseId } = await prisma.knowledgeBase.create({ data: { workspaceId, name } });
  const chunks: SeededChunk[] = [];
  for (const [index, chunkTerms] of documents.entries()) {
    const key = `${knowledgeBaseId}/${index}`;
    const document = await prisma.document.create({
      data: { workspaceId, knowledgeBaseId, name: `${index}.txt`, mimeType: "text/plain", sizeBytes: 1, storageKey: key, contentHash: key, tags: [...(tags[index] ?? [])] },
    });
    const written = await writeDocumentChunks(prisma, {
      workspaceId,
      knowledgeBaseId,
      documents: [
        {
          documentId: document.id,
          chunks: chunkTerms.map((terms, position) => ({ position, text: terms.join(" "), tokenCount: terms.length, metadata: {}, terms })),
        },
      ],
    });
    for (const chunk of written) chunks.push({ chunkId: chunk.id, documentId: document.id, terms: [...(chunkTerms[chunk.position] ?? [])] });
  }
  return { knowledgeBaseId, chunks };
}

function referenceIndex(chunks: readonly SeededChunk[], parameters: { k1: number; b: number }) {
  const index = createBm25Index(parameters);
  for (const chunk of chunks) index.add(chunk.chunkId, chunk.terms);
  return index;
}

const passages = [
  "Aspirin reduces the risk of heart attacks in adults with cardiovascular disease.",
  "The proteins bind to receptors on the cell surface; receptor binding triggers signalling.",
  "Vitamin D supplementation did not reduce fractures in older adults.",
  "Regular exercise lowers blood pressure and the risk of heart disease.",
  "Smoking increases the risk of lung cancer and heart disease, and of stroke.",
  "Gene expression in cancer cells differs from expression in healthy cells.",
  "A randomised trial of aspirin for the primary prevention of cancer.",
  "Blood pressure measurements in children vary with age and height.",
];

describe("keywordSearch", () => {
  it("matches a hand-computed example (k1 = 1.2, b = 0.75)", async () => {
    const { knowledgeBaseId, chunks } = await seedKnowledgeBase("hand", [[["cat", "sat", "mat"]], [["cat", "cat"]], [["dog", "sat", "log", "fog"]]]);
    // N = 3, lengths 3, 2, 4 → avgdl 3. idf(cat) = ln(1 + (3 − 2 + 0.5)/(2 + 0.5)) = ln 1.6; idf(dog) = ln(1 + 2.5/1.5) = ln(8/3).
    // score = idf · tf · (k1 + 1) / (tf + k1 · (1 − b + b · dl/avgdl)).
    const d1 = (Math.log(1.6) * 1 * 2.2) / (1 + 1.2 * (0.25 + (0.75 * 3) / 3)); // = ln 1.6
    const d2 = (Math.log(1.6) * 2 * 2.2) / (2 + 1.2 * (0.25 + (0.75 * 2) / 3)); // norm 0.9
    const d3 = (Math.log(8 / 3) * 1 * 2.2) / (1 + 1.2 * (0.25 + (0.75 * 4) / 3)); // norm 1.5

    const hits = await keywordSearch(prisma, { knowledgeBaseIds: [knowledgeBaseId], terms: ["cat", "dog", "cat"], k1: 1.2, b: 0.75, limit: 10 });
    expect(hits.map((hit) => hit.chunkId)).toEqual([chunks[2]!.chunkId, chunks[1]!.chunkId, chunks[0]!.chunkId]);
    expect(hits.map((hit) => hit.documentId)).toEqual([chunks[2]!.documentId, chunks[1]!.documentId, chunks[0]!.documentId]);
    expect(hits[0]!.score).toBeCloseTo(d3, 9);
    expect(hits[1]!.score).toBeCloseTo(d2, 9);
    expect(hits[2]!.score).toBeCloseTo(d1, 9);
  });

  it("gives the in-memory reference's scores on an analyzed corpus, for several k1 and b", async () => {
    // Two documents with several chunks each, the rest one chunk per document.
    const analyzed = passages.map((passage) => analyze(passage, { language: "en" }));
    const { knowledgeBaseId, chunks } = await seedKnowledgeBase("corpus", [analyzed.slice(0, 3), analyzed.slice(3, 5), ...analyzed.slice(5).map((terms) => [terms])]);
    const queries = ["heart disease risk", "aspirin cancer prevention", "blood pressure in adults", "receptor proteins binding", "unrelated zebra"];
    for (const parameters of [{ k1: 0.9, b: 0.4 }, { k1: 1.2, b: 0.75 }, { k1: 2, b: 0 }, { k1: 0.5, b: 1 }]) {
      const reference = referenceIndex(chunks, parameters);
      for (const query of queries) {
        const terms = analyze(query, { language: "en" });
        const expected = reference.search(terms, 100);
        const hits = await keywordSearch(prisma, { knowledgeBaseIds: [knowledgeBaseId], terms, ...parameters, limit: 100 });
        expect(hits.map((hit) => hit.chunkId)).toHaveLength(expected.length);
        for (const hit of expected) {
          const score = hits.find((candidate) => candidate.chunkId === hit.id)?.score;
          expect(Math.abs((score ?? Number.NaN) - hit.score)).toBeLessThan(1e-9);
        }
        const scores = hits.map((hit) => hit.score);
        expect(scores).toEqual([...scores].sort((left, right) => right - left));
      }
    }
  });

  it("takes N, avgdl and df over all the knowledge bases asked for, and only those", async () => {
    const first = await seedKnowledgeBase("first", [[["alpha", "beta"], ["alpha"]], [["gamma", "alpha", "delta"]]]);
    const second = await seedKnowledgeBase("second", [[["beta", "beta", "epsilon"]], [["zeta"]]]);
    await seedKnowledgeBase("neighbour", [[["alpha", "alpha", "beta"]]]);

    const together = referenceIndex([...first.chunks, ...second.chunks], { k1: 0.9, b: 0.4 });
    const hits = await keywordSearch(prisma, { knowledgeBaseIds: [first.knowledgeBaseId, second.knowledgeBaseId], terms: ["alpha", "beta"], limit: 10 });
    const expected = together.search(["alpha", "beta"], 10);
    expect(hits.map((hit) => hit.chunkId)).toEqual(expected.map((hit) => hit.id));
    hits.forEach((hit, index) => expect(Math.abs(hit.score - expected[index]!.score)).toBeLessThan(1e-9));

    const alone = await keywordSearch(prisma, { knowledgeBaseIds: [second.knowledgeBaseId], terms: ["alpha"], limit: 10 });
    expect(alone).toEqual([]);
  });

  it("filters by document without changing the scores, and honours the limit", async () => {
    const { knowledgeBaseId, chunks } = await seedKnowledgeBase("filtered", [[["x", "y"], ["x"]], [["x", "x", "z"]], [["y"]]], [["faq"], ["policy", "hr"], []]);
    const all = await keywordSearch(prisma, { knowledgeBaseIds: [knowledgeBaseId], terms: ["x", "y"], limit: 10 });
    expect(all).toHaveLength(4);

    const secondDocument = chunks[2]!.documentId;
    const filtered = await keywordSearch(prisma, {
      knowledgeBaseIds: [knowledgeBaseId],
      terms: ["x", "y"],
      limit: 10,
      filter: { logic: "and", conditions: [{ field: "document_id", operator: "eq", value: secondDocument }] },
    });
    expect(filtered).toEqual(all.filter((hit) => hit.documentId === secondDocument));
    const tagged = await keywordSearch(prisma, {
      knowledgeBaseIds: [knowledgeBaseId],
      terms: ["x", "y"],
      limit: 10,
      filter: { logic: "or", conditions: [{ field: "tags", operator: "contains", value: "faq" }, { field: "tags", operator: "empty" }] },
    });
    expect(tagged).toEqual(all.filter((hit) => hit.documentId !== secondDocument));

    const top = await keywordSearch(prisma, { knowledgeBaseIds: [knowledgeBaseId], terms: ["x", "y"], limit: 2 });
    expect(top).toEqual(all.slice(0, 2));
  });

  it("returns nothing for no terms or no knowledge bases", async () => {
    const { knowledgeBaseId } = await seedKnowledgeBase("empty-query", [[["x"]]]);
    expect(await keywordSearch(prisma, { knowledgeBaseIds: [knowledgeBaseId], terms: [] })).toEqual([]);
    expect(await keywordSearch(prisma, { knowledgeBaseIds: [], terms: ["x"] })).toEqual([]);
  });

  it("treats SQL in a term as a plain term", async () => {
    const injection = "x'); DROP TABLE chunk_terms; --";
    const { knowledgeBaseId, chunks } = await seedKnowledgeBase("injection", [[[injection, "y"]], [["y"]]]);
    const hits = await keywordSearch(prisma, { knowledgeBaseIds: [knowledgeBaseId], terms: [injection] });
    expect(hits.map((hit) => hit.chunkId)).toEqual([chunks[0]!.chunkId]);
    expect(await prisma.chunkTerm.count({ where: { knowledgeBaseId } })).toBe(3);
  });
});

describe("writeDocumentChunks", () => {
  it("writes one posting per distinct term with its frequency and the chunk's length, and replaces on re-index", async () => {
    const { knowledgeBaseId, chunks } = await seedKnowledgeBase("index", [[["a", "b", "a", "c", "a"]]]);
    const { chunkId, documentId } = chunks[0]!;
    const rows = async () =>
      (await prisma.chunkTerm.findMany({ where: { documentId }, orderBy: { term: "asc" } })).map((row) => [row.term, row.frequency, row.chunkLength, row.knowledgeBaseId]);
    expect(await rows()).toEqual([
      ["a", 3, 5, knowledgeBaseId],
      ["b", 1, 5, knowledgeBaseId],
      ["c", 1, 5, knowledgeBaseId],
    ]);
    expect((await prisma.chunk.findUniqueOrThrow({ where: { id: chunkId } })).termCount).toBe(5);
    expect(await prisma.knowledgeBase.findUniqueOrThrow({ where: { id: knowledgeBaseId } })).toMatchObject({
      chunkCount: 1,
      tokenCount: 5,
      keywordTermTotal: 5n,
    });

    // A retry writes the same document again: its old chunks and postings are replaced, not duplicated.
    const again = [{ position: 0, text: "d d", tokenCount: 2, metadata: {}, terms: ["d", "d"] }, { position: 1, text: "e", tokenCount: 1, metadata: {}, terms: ["e"] }];
    await writeDocumentChunks(prisma, { workspaceId, knowledgeBaseId, documents: [{ documentId, chunks: again }] });
    await writeDocumentChunks(prisma, { workspaceId, knowledgeBaseId, documents: [{ documentId, chunks: again }] });
    expect(await rows()).toEqual([
      ["d", 2, 2, knowledgeBaseId],
      ["e", 1, 1, knowledgeBaseId],
    ]);
    expect(await prisma.chunk.count({ where: { documentId } })).toBe(2);
    expect(await prisma.knowledgeBase.findUniqueOrThrow({ where: { id: knowledgeBaseId } })).toMatchObject({
      documentCount: 1,
      chunkCount: 2,
      tokenCount: 3,
      keywordTermTotal: 3n,
    });

    // Deleting the document cascades to chunks and postings, and the statistics follow.
    await prisma.document.delete({ where: { id: documentId } });
    expect(await prisma.chunkTerm.count({ where: { knowledgeBaseId } })).toBe(0);
    expect(await prisma.knowledgeBase.findUniqueOrThrow({ where: { id: knowledgeBaseId } })).toMatchObject({
      documentCount: 0,
      chunkCount: 0,
      tokenCount: 0,
      keywordTermTotal: 0n,
    });
  });

  it("stores parents without postings and links children to them; parents do not count for BM25", async () => {
    const { id: knowledgeBaseId } = await prisma.knowledgeBase.create({ data: { workspaceId, name: "parents" } });
    const document = await prisma.document.create({
      data: { workspaceId, knowledgeBaseId, name: "p.txt", mimeType: "text/plain", sizeBytes: 1, storageKey: "p", contentHash: "p" },
    });
    const written = await writeDocumentChunks(prisma, {
      workspaceId,
      knowledgeBaseId,
      documents: [
        {
          documentId: document.id,
          chunks: [
            { position: 0, text: "alpha beta", tokenCount: 2, metadata: {}, isParent: true, terms: ["alpha", "beta"] },
            { position: 1, text: "alpha", tokenCount: 1, metadata: { start: 0, end: 5 }, parentPosition: 0, terms: ["alpha"] },
            { position: 2, text: "beta", tokenCount: 1, metadata: { start: 6, end: 10 }, parentPosition: 0, terms: ["beta"] },
          ],
        },
      ],
    });
    const parent = written.find((chunk) => chunk.isParent)!;
    const children = await prisma.chunk.findMany({ where: { documentId: document.id, isParent: false }, orderBy: { position: "asc" } });
    expect(children.map((child) => child.parentId)).toEqual([parent.id, parent.id]);
    expect(await prisma.chunkTerm.count({ where: { chunkId: parent.id } })).toBe(0);
    expect(await prisma.knowledgeBase.findUniqueOrThrow({ where: { id: knowledgeBaseId } })).toMatchObject({ chunkCount: 2, keywordTermTotal: 2n });
    const hits = await keywordSearch(prisma, { knowledgeBaseIds: [knowledgeBaseId], terms: ["alpha"] });
    expect(hits.map((hit) => hit.chunkId)).toEqual([children[0]!.id]);
  });
});
