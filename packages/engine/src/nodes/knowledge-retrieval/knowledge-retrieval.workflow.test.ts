import type { RetrievedChunk } from "@tandem/knowledge/retrieval";
import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModelGateway } from "../../models/create-model-gateway.ts";
import type { RunEvent } from "../../runtime/run-events.ts";
import { runWorkflow } from "../../runtime/run-workflow.ts";
import { chain, node, rawDocument, validDocument } from "../../testing/test-documents.ts";
import { createTestKnowledgeRetriever } from "../../testing/test-knowledge-retriever.ts";
import { throwingServices } from "../../testing/test-nodes.ts";
import { defaultNodeCatalog } from "../node-catalog.ts";
import { defaultNodeSchemaRegistry } from "../node-schemas.ts";

const HANDBOOK = "0b6f3c1e-8a2d-4c5b-9e7f-1a2b3c4d5e6f";

const chunks: RetrievedChunk[] = [
  {
    chunkId: "c1",
    knowledgeBaseId: HANDBOOK,
    knowledgeBaseName: "Handbook",
    documentId: "doc-handbook",
    documentName: "Employee handbook.pdf",
    position: 4,
    text: "Parental leave is sixteen weeks at full pay.",
    score: 0,
    retrievers: ["keyword"],
    scores: {},
    metadata: { page: 3 },
  },
];

let server: ScriptedModelServer;
beforeAll(async () => {
  server = await startScriptedModelServer({ models: ["scripted-small"] });
  server.addRule({ match: { system: "Parental leave is sixteen weeks" }, reply: { type: "text", text: "Sixteen weeks at full pay [1].", usage: { prompt_tokens: 60, completion_tokens: 8 } } });
  server.addRule({ reply: { type: "text", text: "I don't know." } });
});
afterAll(() => server.close());

/** start → knowledge-retrieval → llm (the context in its system prompt) → end, with the real runtime and gateway. */
async function run(options: { knowledge: boolean; policy?: Record<string, unknown> }) {
  const raw = rawDocument(
    "workflow",
    [
      node("start", "start", { variables: [{ name: "query", type: "text", required: true }] }),
      node("search", "knowledge-retrieval", { query: ["start", "query"], knowledgeBaseIds: [HANDBOOK], settings: { topK: 3 } }, options.policy ? { policy: options.policy } : {}),
      node("answer", "llm", {
        model: { model: "local:scripted-small" },
        system: "Answer from the context and cite it as [n].\n\n{{#search.context#}}",
        messages: [{ role: "user", text: "{{#start.query#}}" }],
      }),
      node("end", "end", {
        outputs: [
          { name: "answer", selector: ["answer", "text"] },
          { name: "sources", selector: ["search", "citations"] },
        ],
      }),
    ],
    chain("start", "search", "answer", "end"),
  );
  const document = validDocument(raw, defaultNodeSchemaRegistry);
  const models = createModelGateway({ providers: [{ name: "local", kind: "openai_compatible", baseUrl: server.openaiBaseUrl, isLocal: true }] });
  const knowledge = createTestKnowledgeRetriever(chunks);
  const events: RunEvent[] = [];
  server.resetCalls();
  const outcome = await runWorkflow({
    runId: "run-knowledge",
    document,
    inputs: { query: "How long is parental leave?" },
    services: { ...throwingServices(), models, ...(options.knowledge ? { knowledge } : {}) },
    onEvent: (event) => events.push(event),
    catalog: defaultNodeCatalog,
  });
  return { outcome, events };
}

describe("knowledge-retrieval node in a workflow run", () => {
  it("feeds the numbered context to the model and its citations to the end", async () => {
    const { outcome, events } = await run({ knowledge: true });
    expect(outcome).toMatchObject({
      status: "succeeded",
      outputs: {
        answer: "Sixteen weeks at full pay [1].",
        sources: [{ index: 1, document_name: "Employee handbook.pdf", segment_id: "c1", page: 3 }],
      },
    });
    expect(server.calls[0]?.system).toContain("[1] Employee handbook.pdf (page 3)\nParental leave is sixteen weeks at full pay.");
    const end = events.find((event) => event.type === "node-end" && event.nodeId === "search");
    expect(end).toMatchObject({ status: "succeeded", inputs: { query: "How long is parental leave?", knowledgeBaseIds: [HANDBOOK], settings: { topK: 3 } } });
  });

  it("fails the run clearly where no knowledge service is wired, unless the node's policy says otherwise", async () => {
    const failed = await run({ knowledge: false });
    expect(failed.outcome.status).toBe("failed");
    const end = failed.events.find((event) => event.type === "node-end" && event.nodeId === "search");
    expect(end).toMatchObject({ status: "failed", error: expect.stringContaining("no knowledge service was set up") as string });

    const tolerated = await run({ knowledge: false, policy: { onError: "default", defaults: { result: [], context: "", citations: [] } } });
    expect(tolerated.outcome).toMatchObject({ status: "succeeded", outputs: { answer: "I don't know.", sources: [] } });
  });
});
