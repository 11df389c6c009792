// Vector and fuzzy search on the embedded database: pgvector (HNSW, cosine) and pg_trgm, through the
// same Prisma client and raw SQL the knowledge pipeline uses.
import { IndexMode, openDatabase, toVectorLiteral, type Database, type PrismaClient } from "@tandem/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const dimensions = 8;
const vectorCount = 50;
const topics = ["invoices", "receivables", "payroll", "refunds", "shipping", "warranty", "onboarding", "security", "travel", "pricing"];

/** A small deterministic PRNG (mulberry32), so every run searches the same vectors. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function deterministicVectors(count: number, seed: number): number[][] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => Array.from({ length: dimensions }, () => Math.round((random() * 2 - 1) * 1000) / 1000));
}

function cosineDistance(left: readonly number[], right: readonly number[]): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  left.forEach((value, index) => {
    const other = right[index] ?? 0;
    dot += value * other;
    leftNorm += value * value;
    rightNorm += other * other;
  });
  return 1 - dot / Math.sqrt(leftNorm * rightNorm);
}

interface Neighbour {
  position: number;
  distance: number;
}

const vectors = deterministicVectors(vectorCount, 20_261_122);
// Mostly chunk 17's direction (cosine ignores the scale), nudged towards chunk 29.
const queryVector = vectors[17]!.map((value, index) => value * 3 + (vectors[29]![index] ?? 0) * 0.2);

let database: Database;
let prisma: PrismaClient;
let knowledgeBaseId = "";
let otherKnowledgeBaseId = "";

async function seedKnowledgeBase(name: string, embeddings: readonly (readonly number[])[]): Promise<string> {
  const { id: workspaceId } = await prisma.workspace.upsert({ where: { slug: "search" }, create: { name: "Search", slug: "search" }, update: {} });
  const { id } = await prisma.knowledgeBase.create({
    data: { workspaceId, name, indexMode: IndexMode.high_quality, embeddingModel: "test:hand-made", embeddingDimensions: dimensions },
  });
  const document = await prisma.document.create({
    data: { workspaceId, knowledgeBaseId: id, name: `${name}.txt`, mimeType: "text/plain", sizeBytes: 1, storageKey: name, contentHash: name },
  });
  for (const [position, embedding] of embeddings.entries()) {
    const text = `Section ${position}: ${topics[position % topics.length] ?? ""}`;
    const chunk = await prisma.chunk.create({ data: { workspaceId, knowledgeBaseId: id, documentId: document.id, position, text } });
    await prisma.$executeRaw`UPDATE chunks SET embedding = ${toVectorLiteral(embedding)}::vector WHERE id = ${chunk.id}::uuid`;
  }
  return id;
}

/** Top-k by cosine distance; the expression matches the HNSW index below so the planner can use it. */
async function nearest(client: Pick<PrismaClient, "$queryRaw">, inKnowledgeBase: string, query: readonly number[], limit: number): Promise<Neighbour[]> {
  return client.$queryRaw<Neighbour[]>`
    SELECT position, (embedding::vector(8) <=> ${toVectorLiteral(query)}::vector(8))::float8 AS distance
      FROM chunks
     WHERE knowledge_base_id = ${inKnowledgeBase}::uuid AND vector_dims(embedding) = 8
     ORDER BY embedding::vector(8) <=> ${toVectorLiteral(query)}::vector(8)
     LIMIT ${limit}`;
}

beforeAll(async () => {
  database = await openDatabase({ dataDir: "memory://" });
  prisma = database.prisma;
  knowledgeBaseId = await seedKnowledgeBase("handbook", vectors);
  // Another knowledge base holding the query vector itself: a search in the handbook must not see it.
  otherKnowledgeBaseId = await seedKnowledgeBase("other", [queryVector]);
  // The embedding column has no fixed dimension (it varies per knowledge base), so the index is on a
  // dimension-typed expression, restricted to the rows that have that dimension.
  await prisma.$executeRaw`
    CREATE INDEX chunks_embedding_8_cosine_idx ON chunks
     USING hnsw ((embedding::vector(8)) vector_cosine_ops)
     WHERE vector_dims(embedding) = 8`;
});

afterAll(async () => {
  await database?.close();
});

describe("cosine nearest-neighbour search", () => {
  const limit = 5;
  const bruteForce = vectors
    .map((vector, position) => ({ position, distance: cosineDistance(vector, queryVector) }))
    .sort((left, right) => left.distance - right.distance);

  it("has a hand-made answer with no near ties (a precondition of the checks below)", () => {
    expect(bruteForce[0]?.position).toBe(17);
    for (let rank = 0; rank < limit; rank += 1) {
      const gap = (bruteForce[rank + 1]?.distance ?? 0) - (bruteForce[rank]?.distance ?? 0);
      expect(gap, `gap after rank ${rank}`).toBeGreaterThan(1e-4);
    }
  });

  it("returns the expected chunks, nearest first, through the HNSW index", async () => {
    const { plan, neighbours } = await prisma.$transaction(async (transaction) => {
      // Fifty rows would otherwise be read sequentially; force the index so this test proves it works.
      await transaction.$executeRaw`SET LOCAL enable_seqscan = off`;
      await transaction.$executeRaw`SET LOCAL hnsw.ef_search = 100`;
      const planRows = await transaction.$queryRaw<Array<{ "QUERY PLAN": string }>>`
        EXPLAIN SELECT id FROM chunks
         WHERE knowledge_base_id = ${knowledgeBaseId}::uuid AND vector_dims(embedding) = 8
         ORDER BY embedding::vector(8) <=> ${toVectorLiteral(queryVector)}::vector(8) LIMIT ${limit}`;
      return {
        plan: planRows.map((row) => row["QUERY PLAN"]).join("\n"),
        neighbours: await nearest(transaction, knowledgeBaseId, queryVector, limit),
      };
    });
    expect(plan).toContain("chunks_embedding_8_cosine_idx");
    expect(neighbours.map((neighbour) => neighbour.position)).toEqual(bruteForce.slice(0, limit).map((entry) => entry.position));
    neighbours.forEach((neighbour, rank) => {
      expect(neighbour.distance).toBeCloseTo(bruteForce[rank]?.distance ?? Number.NaN, 5);
    });
  });

  it("returns the same answer without the index (exact scan)", async () => {
    const neighbours = await nearest(prisma, knowledgeBaseId, queryVector, limit);
    expect(neighbours.map((neighbour) => neighbour.position)).toEqual(bruteForce.slice(0, limit).map((entry) => entry.position));
  });

  it("stays inside the knowledge base it is asked about", async () => {
    const [closest] = await nearest(prisma, otherKnowledgeBaseId, queryVector, 1);
    expect(closest?.distance).toBeCloseTo(0, 6);
    const handbook = await nearest(prisma, knowledgeBaseId, queryVector, vectorCount + 1);
    expect(handbook).toHaveLength(vectorCount);
    expect(handbook[0]?.distance).toBeGreaterThan(1e-4);
  });
});

describe("pg_trgm fuzzy matching", () => {
  it("scores a misspelling close to the right word and far from a wrong one", async () => {
    const [scores] = await prisma.$queryRaw<Array<{ close: number; far: number }>>`
      SELECT similarity('receivables', 'recievables')::float8 AS close, similarity('receivables', 'payroll')::float8 AS far`;
    expect(scores?.close).toBeGreaterThan(0.4);
    expect(scores?.far).toBeLessThan(0.1);
  });

  it("finds chunks by a misspelt word through a trigram index", async () => {
    await prisma.$executeRaw`CREATE INDEX chunks_text_trgm_idx ON chunks USING gin (text gin_trgm_ops)`;
    const { plan, rows } = await prisma.$transaction(async (transaction) => {
      await transaction.$executeRaw`SET LOCAL enable_seqscan = off`;
      // One letter swapped scores 0.5 against the right word; the default threshold (0.6) is for typing, not typos.
      await transaction.$executeRaw`SET LOCAL pg_trgm.word_similarity_threshold = 0.4`;
      const planRows = await transaction.$queryRaw<Array<{ "QUERY PLAN": string }>>`
        EXPLAIN SELECT position FROM chunks WHERE ${"recievables"} <% text`;
      return {
        plan: planRows.map((row) => row["QUERY PLAN"]).join("\n"),
        rows: await transaction.$queryRaw<Array<{ position: number }>>`
          SELECT position FROM chunks
           WHERE knowledge_base_id = ${knowledgeBaseId}::uuid AND ${"recievables"} <% text
           ORDER BY position`,
      };
    });
    expect(plan).toContain("chunks_text_trgm_idx");
    const receivables = topics.indexOf("receivables");
    const expected = Array.from({ length: vectorCount }, (_, position) => position).filter((position) => position % topics.length === receivables);
    expect(rows.map((row) => row.position)).toEqual(expected);
  });
});
