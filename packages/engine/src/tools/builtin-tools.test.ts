import type { RetrievedChunk } from "@tandem/knowledge";
import { describe, expect, it } from "vitest";
import { createGuardedHttp } from "../adapters/guarded-http.ts";
import { createTestKnowledgeRetriever } from "../testing/test-knowledge-retriever.ts";
import { createTestSqlDataSources, TEST_SOURCE_ID } from "../testing/test-sql-data-sources.ts";
import { createBuiltinTools } from "./builtin-tools.ts";
import { createToolRegistry, staticToolSource } from "./create-tool-registry.ts";

const handbook: RetrievedChunk = {
  chunkId: "c1",
  knowledgeBaseId: "kb-handbook",
  knowledgeBaseName: "Handbook",
  documentId: "doc-1",
  documentName: "Handbook.pdf",
  position: 0,
  text: "Parental leave is sixteen weeks at full pay.",
  score: 0,
  retrievers: ["keyword"],
  scores: {},
  metadata: {},
};
const albums = { columns: [{ name: "Name", type: "string" as const }, { name: "albums", type: "number" as const }], rows: [["AC/DC", 2]], truncated: false };
const signal = new AbortController().signal;

function registry(withPorts: boolean) {
  const knowledge = createTestKnowledgeRetriever([handbook]);
  const sql = createTestSqlDataSources({ "SELECT Name, albums FROM artists": albums });
  const tools = createBuiltinTools({ http: createGuardedHttp(), ...(withPorts ? { knowledge, sql } : {}) });
  return { tools: createToolRegistry({ sources: [staticToolSource("built-in tools", tools)] }), knowledge, sql };
}

describe("built-in tools over the run's ports", () => {
  it("leaves out knowledge-search and sql-query where their port is not wired", async () => {
    const names = (await registry(false).tools.list()).map((tool) => tool.name);
    expect(names).not.toContain("knowledge-search");
    expect(names).not.toContain("sql-query");
  });

  it("searches knowledge bases, passing the run's privacy on", async () => {
    const { tools, knowledge } = registry(true);
    const result = await tools.call("knowledge-search", { query: "parental leave", knowledgeBaseIds: ["kb-handbook"], topK: 3 }, { signal, private: true });
    expect(result.ok && result.output).toEqual([expect.objectContaining({ text: handbook.text, document: "Handbook.pdf", knowledgeBase: "Handbook" })]);
    expect(knowledge.requests[0]).toMatchObject({ query: "parental leave", private: true, settings: { topK: 3 } });
    const missing = await tools.call("knowledge-search", { query: "x", knowledgeBaseIds: ["nope"] }, { signal });
    expect(!missing.ok && missing.error.message).toBe('The tool "knowledge-search" failed: Knowledge base nope was not found in this workspace.');
  });

  it("runs read-only SQL through the sql port's guard and refuses writes", async () => {
    const { tools, sql } = registry(true);
    const result = await tools.call("sql-query", { dataSourceId: TEST_SOURCE_ID, sql: "SELECT Name, albums FROM artists" }, { signal });
    expect(result.ok && result.output).toMatchObject({ columns: ["Name", "albums"], rows: [["AC/DC", 2]], truncated: false });
    const refused = await tools.call("sql-query", { dataSourceId: TEST_SOURCE_ID, sql: "DELETE FROM artists" }, { signal });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.code).toBe("failed");
    expect(sql.executed.some((statement) => statement.startsWith("DELETE"))).toBe(false);
  });
});
