import { describe, expect, it } from "vitest";
import { validateWorkflow } from "./validate-workflow.ts";

function document(isPrivate: boolean, model: string, fallbacks: string[] = []) {
  return {
    schemaVersion: 1,
    kind: "workflow",
    settings: { private: isPrivate },
    graph: {
      nodes: [
        { id: "start", type: "start", version: 1, config: {} },
        { id: "ask", type: "llm", version: 1, config: { model: { model, fallbacks }, messages: [{ role: "user", text: "hi" }] } },
        { id: "end", type: "end", version: 1, config: { outputs: [{ name: "answer", selector: ["ask", "text"] }] } },
      ],
      edges: [
        { id: "a", source: "start", target: "ask" },
        { id: "b", source: "ask", target: "end" },
      ],
    },
  };
}

const isLocalModel = (reference: string) => (reference.startsWith("ollama:") ? true : reference.startsWith("openai:") ? false : undefined);

describe("private workflows and cloud models", () => {
  it("refuses a cloud model, and a cloud fallback, in a private workflow", () => {
    const result = validateWorkflow(document(true, "openai:gpt-4o-mini", ["ollama:qwen2.5:3b", "openai:gpt-4o"]), { isLocalModel });
    expect(result.ok).toBe(false);
    expect(result.problems.map((problem) => [problem.code, problem.nodeId, problem.path.join(".")])).toEqual([
      ["private_model", "ask", "config.model.model"],
      ["private_model", "ask", "config.model.model"],
    ]);
    expect(result.problems[0]?.message).toContain("openai:gpt-4o-mini is a cloud model");
    expect(result.problems[1]?.message).toContain("openai:gpt-4o");
  });

  it("accepts local models in a private workflow, and cloud models in a normal one", () => {
    expect(validateWorkflow(document(true, "ollama:qwen2.5:3b"), { isLocalModel }).ok).toBe(true);
    expect(validateWorkflow(document(false, "openai:gpt-4o-mini"), { isLocalModel }).ok).toBe(true);
  });

  it("refuses a cloud rerank model in a knowledge-retrieval node of a private workflow", () => {
    const retrieval = (rerank: string, isPrivate = true) => ({
      schemaVersion: 1,
      kind: "workflow",
      settings: { private: isPrivate },
      graph: {
        nodes: [
          { id: "start", type: "start", version: 1, config: { variables: [{ name: "query", type: "text" }] } },
          {
            id: "search",
            type: "knowledge-retrieval",
            version: 1,
            config: { query: ["start", "query"], knowledgeBaseIds: ["0b6f3c1e-8a2d-4c5b-9e7f-1a2b3c4d5e6f"], settings: { rerank: { model: rerank } } },
          },
          { id: "end", type: "end", version: 1, config: { outputs: [{ name: "context", selector: ["search", "context"] }] } },
        ],
        edges: [
          { id: "a", source: "start", target: "search" },
          { id: "b", source: "search", target: "end" },
        ],
      },
    });
    const refused = validateWorkflow(retrieval("openai:rerank-v1"), { isLocalModel });
    expect(refused.problems.map((problem) => [problem.code, problem.nodeId, problem.path.join(".")])).toEqual([["private_model", "search", "config.settings.rerank.model"]]);
    expect(refused.problems[0]?.message).toContain("openai:rerank-v1 is a cloud model");
    expect(validateWorkflow(retrieval("ollama:bge-reranker"), { isLocalModel }).ok).toBe(true);
    expect(validateWorkflow(retrieval("openai:rerank-v1", false), { isLocalModel }).ok).toBe(true);
  });

  it("leaves unknown providers to the run-time check", () => {
    expect(validateWorkflow(document(true, "mystery:model"), { isLocalModel }).ok).toBe(true);
    expect(validateWorkflow(document(true, "openai:gpt-4o-mini")).ok).toBe(true);
  });
});
