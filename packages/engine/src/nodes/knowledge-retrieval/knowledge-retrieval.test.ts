import type { RetrievedChunk } from "@tandem/knowledge/retrieval";
import { describe, expect, it } from "vitest";
import type { EngineServices } from "../../ports/engine-services.ts";
import { collectReferences } from "../../schema/value-reference.ts";
import { createNodeTestContext } from "../../testing/node-test-context.ts";
import { createTestKnowledgeRetriever } from "../../testing/test-knowledge-retriever.ts";
import { knowledgeRetrievalNode } from "./knowledge-retrieval.node.ts";
import { knowledgeRetrievalConfigSchema, knowledgeRetrievalSchema } from "./knowledge-retrieval.schema.ts";

const HANDBOOK = "0b6f3c1e-8a2d-4c5b-9e7f-1a2b3c4d5e6f";
const POLICIES = "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a";

function chunk(overrides: Partial<RetrievedChunk> & Pick<RetrievedChunk, "chunkId" | "text">): RetrievedChunk {
  return {
    knowledgeBaseId: HANDBOOK,
    knowledgeBaseName: "Handbook",
    documentId: "doc-handbook",
    documentName: "Employee handbook.pdf",
    position: 0,
    score: 0,
    retrievers: ["keyword"],
    scores: {},
    metadata: {},
    ...overrides,
  };
}

const chunks: RetrievedChunk[] = [
  chunk({ chunkId: "c1", position: 4, text: "Parental leave is sixteen weeks at full pay.", metadata: { page: 3, heading: ["Leave", "Parental leave"], department: "hr" } }),
  chunk({ chunkId: "c2", position: 5, text: "Annual leave is twenty-five days a year.", metadata: { page: 4, heading: ["Leave"], department: "hr" } }),
  chunk({
    chunkId: "c3",
    knowledgeBaseId: POLICIES,
    knowledgeBaseName: "Policies",
    documentId: "doc-travel",
    documentName: "Travel policy.md",
    position: 0,
    text: "Travel\n\nBook trains for trips under four hours. Sick leave while travelling is reported to your manager.",
    matchedText: "Sick leave while travelling is reported to your manager.",
    metadata: { department: "finance", tags: ["travel"] },
  }),
];

function setup(options: { pool?: Record<string, Record<string, unknown>>; services?: Partial<EngineServices>; private?: boolean } = {}) {
  const knowledge = createTestKnowledgeRetriever(chunks);
  const context = createNodeTestContext({
    pool: options.pool ?? { start: { query: "How long is parental leave?", department: "hr", since: 2020 } },
    services: { knowledge, ...options.services },
    ...(options.private === undefined ? {} : { private: options.private }),
  });
  return { knowledge, context };
}

const parse = (config: Record<string, unknown> = {}) => knowledgeRetrievalConfigSchema.parse({ query: ["start", "query"], knowledgeBaseIds: [HANDBOOK, POLICIES], ...config });

describe("knowledge-retrieval node", () => {
  it("outputs Dify-shaped results, a numbered context and matching citations", async () => {
    const { context } = setup({ pool: { start: { query: "leave" } } });
    const result = await knowledgeRetrievalNode.run(parse(), context);
    const items = result.outputs.result as Array<{ content: string; title: string; metadata: Record<string, unknown> }>;
    expect(items.map((item) => [item.metadata.position, item.metadata.segment_id])).toEqual([
      [1, "c1"],
      [2, "c2"],
      [3, "c3"],
    ]);
    expect(items[0]).toEqual({
      content: "Parental leave is sixteen weeks at full pay.",
      title: "Employee handbook.pdf",
      metadata: {
        _source: "knowledge",
        position: 1,
        dataset_id: HANDBOOK,
        dataset_name: "Handbook",
        document_id: "doc-handbook",
        document_name: "Employee handbook.pdf",
        segment_id: "c1",
        segment_position: 4,
        score: 1,
        retrievers: ["keyword"],
        page: 3,
        heading: ["Leave", "Parental leave"],
        doc_metadata: { department: "hr" },
      },
    });
    expect(result.outputs.context).toBe(
      [
        "[1] Employee handbook.pdf (page 3; Leave > Parental leave)\nParental leave is sixteen weeks at full pay.",
        "[2] Employee handbook.pdf (page 4; Leave)\nAnnual leave is twenty-five days a year.",
        "[3] Travel policy.md\nTravel\n\nBook trains for trips under four hours. Sick leave while travelling is reported to your manager.",
      ].join("\n\n"),
    );
    expect(result.outputs.citations).toEqual([
      { index: 1, document_id: "doc-handbook", document_name: "Employee handbook.pdf", segment_id: "c1", score: 1, content: "Parental leave is sixteen weeks at full pay.", page: 3 },
      { index: 2, document_id: "doc-handbook", document_name: "Employee handbook.pdf", segment_id: "c2", score: 1, content: "Annual leave is twenty-five days a year.", page: 4 },
      {
        index: 3,
        document_id: "doc-travel",
        document_name: "Travel policy.md",
        segment_id: "c3",
        score: 1,
        content: "Travel\n\nBook trains for trips under four hours. Sick leave while travelling is reported to your manager.",
        matched_content: "Sick leave while travelling is reported to your manager.",
      },
    ]);
    expect(result.inputs).toEqual({ query: "leave", knowledgeBaseIds: [HANDBOOK, POLICIES], settings: {} });
    expect(result.usage).toBeUndefined();
  });

  it("puts a parent-child hit's parent text in the context and keeps the matched child beside it", async () => {
    const { context } = setup({ pool: { start: { query: "sick leave travelling" } } });
    const result = await knowledgeRetrievalNode.run(parse({ knowledgeBaseIds: [POLICIES] }), context);
    const [item] = result.outputs.result as Array<{ content: string; metadata: Record<string, unknown> }>;
    expect(item?.content).toContain("Book trains for trips under four hours.");
    expect(item?.metadata.matched_content).toBe("Sick leave while travelling is reported to your manager.");
    expect(item?.metadata.doc_metadata).toEqual({ department: "finance", tags: ["travel"] });
    expect(result.outputs.context).toBe("[1] Travel policy.md\nTravel\n\nBook trains for trips under four hours. Sick leave while travelling is reported to your manager.");
  });

  it("passes the query, knowledge bases, setting overrides and the private flag through", async () => {
    const { knowledge, context } = setup({ private: true });
    const settings = { mode: "hybrid", topK: 2, scoreThreshold: 0.5, fusion: { method: "weighted", keywordWeight: 0.4, vectorWeight: 0.6 }, rerank: { model: "local:bge-reranker", candidates: 20 } };
    const result = await knowledgeRetrievalNode.run(parse({ settings }), context);
    expect(knowledge.requests).toEqual([{ query: "How long is parental leave?", knowledgeBaseIds: [HANDBOOK, POLICIES], settings, private: true }]);
    expect(result.inputs).toEqual({ query: "How long is parental leave?", knowledgeBaseIds: [HANDBOOK, POLICIES], settings });
    // The rerank model's tokens are the node's usage.
    expect(result.usage).toEqual({ tokensIn: 11, tokensOut: 0, model: { provider: "local", model: "bge-reranker" } });
  });

  it("leaves settings it does not override to the knowledge base", () => {
    expect(parse().settings).toEqual({});
    expect(parse({ settings: { topK: 3 } }).settings).toEqual({ topK: 3 });
    expect(parse({ settings: { rerank: null } }).settings).toEqual({ rerank: null });
  });

  it("renders filter values from upstream variables, keeping a lone reference's type", async () => {
    const { knowledge, context } = setup();
    const filter = {
      logic: "and",
      conditions: [
        { field: "department", operator: "eq", value: "{{#start.department#}}" },
        { field: "year", operator: "gte", value: "{{#start.since#}}" },
        { field: "document_name", operator: "contains", value: "handbook {{#start.department#}}" },
        { field: "tags", operator: "in", value: ["policy", "{{#start.department#}}"] },
        { field: "source", operator: "not_empty" },
      ],
    };
    const result = await knowledgeRetrievalNode.run(parse({ filter }), context);
    const rendered = {
      logic: "and",
      conditions: [
        { field: "department", operator: "eq", value: "hr" },
        { field: "year", operator: "gte", value: 2020 },
        { field: "document_name", operator: "contains", value: "handbook hr" },
        { field: "tags", operator: "in", value: ["policy", "hr"] },
        { field: "source", operator: "not_empty" },
      ],
    };
    expect(knowledge.requests[0]?.filter).toEqual(rendered);
    expect(result.inputs?.filter).toEqual(rendered);
  });

  it("filters the search (the retriever applies the rendered filter)", async () => {
    const { context } = setup({ pool: { start: { query: "leave", department: "finance" } } });
    const result = await knowledgeRetrievalNode.run(parse({ filter: { conditions: [{ field: "department", operator: "eq", value: "{{#start.department#}}" }] } }), context);
    expect((result.outputs.citations as Array<{ segment_id: string }>).map((citation) => citation.segment_id)).toEqual(["c3"]);
  });

  it("sends no filter when it has no conditions", async () => {
    const { knowledge, context } = setup();
    await knowledgeRetrievalNode.run(parse({ filter: { conditions: [] } }), context);
    expect(knowledge.requests[0]).not.toHaveProperty("filter");
  });

  it("keeps the context within its token budget, cutting only a first chunk that alone is too long", async () => {
    // One token per character: easy to reason about, and linear like a real tokenizer.
    const countTokens = (text: string) => text.length;
    const models = { ...createNodeTestContext().services.models, countTokens };
    const { context } = setup({ pool: { start: { query: "leave" } }, services: { models } });
    const twoChunks = await knowledgeRetrievalNode.run(parse({ contextTokens: 200 }), context);
    expect(twoChunks.outputs.context).toMatch(/^\[1\] .*\n.*\n\n\[2\] /);
    expect(twoChunks.outputs.context).not.toContain("[3]");
    expect(twoChunks.outputs.citations).toHaveLength(2);
    expect(twoChunks.outputs.result).toHaveLength(3);

    const cut = await knowledgeRetrievalNode.run(parse({ knowledgeBaseIds: [HANDBOOK], contextTokens: 100 }), createNodeTestContext({
      pool: { start: { query: "long" } },
      services: { models, knowledge: createTestKnowledgeRetriever([chunk({ chunkId: "long", text: `long ${"word ".repeat(500)}` })]) },
    }));
    const text = cut.outputs.context as string;
    expect(countTokens(text)).toBeLessThanOrEqual(100);
    expect(text.length).toBeGreaterThan(90);
    expect(text.startsWith("[1] Employee handbook.pdf\nlong word word")).toBe(true);
    expect(text.endsWith("…")).toBe(true);
  });

  it("outputs empty lists and an empty context when nothing is found", async () => {
    const { context } = setup({ pool: { start: { query: "xylophone" } } });
    const result = await knowledgeRetrievalNode.run(parse(), context);
    expect(result.outputs).toEqual({ result: [], context: "", citations: [] });
  });

  it("fails clearly without the knowledge service, or without a question", async () => {
    const bare = createNodeTestContext({ pool: { start: { query: "leave" } } });
    await expect(knowledgeRetrievalNode.run(parse(), bare)).rejects.toThrow("Knowledge retrieval is not available in this run: no knowledge service was set up");
    for (const query of ["", "   ", undefined]) {
      const { knowledge, context } = setup({ pool: { start: { query } } });
      await expect(knowledgeRetrievalNode.run(parse(), context)).rejects.toThrow("Knowledge retrieval needs a question to search for, but start.query is empty.");
      expect(knowledge.requests).toEqual([]);
    }
  });

  it("fails with the retriever's own message", async () => {
    const { context } = setup();
    const unknown = "11111111-2222-4333-8444-555555555555";
    await expect(knowledgeRetrievalNode.run(parse({ knowledgeBaseIds: [unknown] }), context)).rejects.toThrow(`Knowledge base ${unknown} was not found in this workspace.`);
  });

  it("fails when a rendered filter value breaks the filter's rules", async () => {
    const { context } = setup({ pool: { start: { query: "leave", long: "x".repeat(1200) } } });
    await expect(knowledgeRetrievalNode.run(parse({ filter: { conditions: [{ field: "department", operator: "eq", value: "a{{#start.long#}}" }] } }), context)).rejects.toThrow(
      "The metadata filter is invalid once its variables are filled in (conditions.0.value",
    );
  });
});

describe("knowledge-retrieval schema", () => {
  it("declares its outputs and category", () => {
    expect(knowledgeRetrievalSchema.category).toBe("knowledge");
    expect(knowledgeRetrievalSchema.pure).toBe(false);
    expect(knowledgeRetrievalSchema.outputs(parse()).map((output) => [output.name, output.type])).toEqual([
      ["result", "array[object]"],
      ["context", "string"],
      ["citations", "array[object]"],
    ]);
  });

  it("refuses bad knowledge base lists, settings and filter conditions", () => {
    const issues = (config: Record<string, unknown>) =>
      knowledgeRetrievalConfigSchema.safeParse({ query: ["start", "query"], knowledgeBaseIds: [HANDBOOK], ...config }).error?.issues.map((issue) => [issue.path.join("."), issue.message]);
    expect(issues({ knowledgeBaseIds: [] })).toEqual([["knowledgeBaseIds", "choose at least one knowledge base"]]);
    expect(issues({ knowledgeBaseIds: ["dify-dataset"] })).toEqual([["knowledgeBaseIds.0", "pick a knowledge base (its id is a UUID)"]]);
    expect(issues({ settings: { topK: 0 } })).toEqual([["settings.topK", "topK must be at least 1"]]);
    expect(issues({ settings: { rerank: { model: "bge-reranker" } } })?.[0]?.[0]).toBe("settings.rerank.model");
    expect(issues({ filter: { conditions: [{ field: "a;b", operator: "eq", value: "x" }] } })?.[0]?.[0]).toBe("filter.conditions.0.field");

    const problems = (config: Record<string, unknown>) => knowledgeRetrievalSchema.check?.(parse(config)) ?? [];
    expect(problems({ knowledgeBaseIds: [HANDBOOK, HANDBOOK] })).toEqual([{ path: ["knowledgeBaseIds", 1], message: "this knowledge base is listed twice" }]);
    expect(
      problems({
        filter: {
          conditions: [
            { field: "tags", operator: "in", value: "hr" },
            { field: "year", operator: "gt" },
            { field: "source", operator: "empty" },
          ],
        },
      }),
    ).toEqual([
      { path: ["filter", "conditions", 0, "value"], message: "operator in needs a list of values" },
      { path: ["filter", "conditions", 1, "value"], message: "operator gt needs a value" },
    ]);
  });

  it("exposes the query and filter templates as references", () => {
    const config = parse({ filter: { conditions: [{ field: "department", operator: "in", value: ["{{#start.department#}}", "all"] }] } });
    expect(collectReferences(knowledgeRetrievalSchema.config, config).map((reference) => [reference.kind, reference.selector.join("."), reference.path.join(".")])).toEqual([
      ["selector", "start.query", "query"],
      ["template", "start.department", "filter.conditions.0.value.0"],
    ]);
  });
});
