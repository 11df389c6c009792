import { describe, expect, it } from "vitest";
import type { WorkflowDocument } from "../schema/workflow-document.ts";
import { validateWorkflow } from "../validation/validate-workflow.ts";
import { exportWorkflowYaml, parseWorkflowYaml } from "./export-workflow.ts";
import { loadFixture } from "./fixtures/load-fixture.ts";
import { importDifyDsl, type ImportProblem } from "./import-dify.ts";

const converted = (problems: ImportProblem[]): ImportProblem[] => problems.filter((problem) => !problem.message.startsWith("Validation: "));
const DATASET = "3f9a2c71-5d4e-4b8a-9c1f-7e2d6a0b5c43";

/** A Dify chatflow: start → knowledge-retrieval with the given data → llm with the retrieval as context → answer. */
function chatflow(retrieval: Record<string, unknown>, contextSelector = ["kr", "result"]): string {
  const nodes = [
    { id: "s", type: "custom", data: { type: "start", title: "Start", variables: [] } },
    { id: "kr", type: "custom", data: { type: "knowledge-retrieval", title: "Search", query_variable_selector: ["sys", "query"], dataset_ids: [DATASET], ...retrieval } },
    {
      id: "llm",
      type: "custom",
      data: {
        type: "llm",
        title: "Answer",
        model: { provider: "ollama", name: "qwen2.5:3b", mode: "chat" },
        context: { enabled: true, variable_selector: contextSelector },
        prompt_template: [{ role: "user", text: "{{#sys.query#}}" }],
      },
    },
    { id: "a", type: "custom", data: { type: "answer", title: "Reply", answer: "{{#llm.text#}}" } },
  ];
  const edges = [
    { id: "e1", source: "s", target: "kr" },
    { id: "e2", source: "kr", target: "llm" },
    { id: "e3", source: "llm", target: "a" },
  ];
  return JSON.stringify({ app: { mode: "advanced-chat", name: "Test" }, kind: "app", version: "0.2.0", workflow: { graph: { nodes, edges } } });
}

function importRetrieval(retrieval: Record<string, unknown>) {
  const result = importDifyDsl(chatflow(retrieval));
  const own = converted(result.problems).filter((problem) => problem.nodeId === "kr" && !(problem.path[1] === "dataset_ids"));
  return { config: result.document?.graph.nodes.find((node) => node.id === "kr")?.config, problems: own, all: result.problems };
}

describe("importDifyDsl: knowledge retrieval", () => {
  const result = importDifyDsl(loadFixture("dify-knowledge.yml"));
  const node = (id: string) => result.document?.graph.nodes.find((candidate) => candidate.id === id);

  it("converts the retrieval node: settings, rerank model, manual filter with a variable", () => {
    expect(node("1741000000002")).toMatchObject({ type: "knowledge-retrieval", version: 1, title: "Search HR knowledge" });
    expect(node("1741000000002")?.config).toEqual({
      query: ["sys", "query"],
      knowledgeBaseIds: [DATASET, "b7e1d0a4-2c6f-4f3b-8a9d-1c5e7f2a6b90"],
      settings: { topK: 4, scoreThreshold: 0.35, rerank: { model: "xinference:bge-reranker-v2-m3" } },
      filter: {
        logic: "and",
        conditions: [
          { field: "department", operator: "eq", value: "{{#1741000000001.department#}}" },
          { field: "upload_date", operator: "gt", value: 1704067200 },
          { field: "source", operator: "not_empty" },
        ],
      },
    });
  });

  it("points the LLM's context at the retrieval's text output, with citation markers", () => {
    expect(node("llm")?.config).toMatchObject({
      system: "You answer questions about HR policy. Use only the context below and cite your sources.\n\n<context>\n{{#1741000000002.context#}}\n</context>",
      messages: [{ role: "user", text: "{{#sys.query#}}" }],
    });
    expect(result.problems.find((problem) => problem.nodeId === "llm" && problem.path[1] === "context")?.message).toBe(
      "The context became the variable {{#1741000000002.context#}} in the prompt text (the retrieved chunks as text, numbered [1], [2] … for citations).",
    );
  });

  it("asks for a Tandem knowledge base in place of each Dify dataset, and otherwise passes validation", () => {
    const errors = result.problems.filter((problem) => problem.severity === "error");
    expect(errors.map((problem) => [problem.nodeId, problem.path.join(".")])).toEqual([
      ["1741000000002", "data.dataset_ids.0"],
      ["1741000000002", "data.dataset_ids.1"],
    ]);
    expect(errors[0]?.message).toBe(
      `Dify dataset ${DATASET} does not exist in Tandem: create a knowledge base from the same documents (or pick an existing one) and select it in this node instead.`,
    );
    expect(result.problems.filter((problem) => problem.nodeId === "1741000000002" && problem.severity === "warning").map((problem) => problem.message)).toEqual([
      'The model "xinference:bge-reranker-v2-m3" needs a provider named "xinference" on Tandem\'s Models page; add it there, or pick another model.',
    ]);
    expect(validateWorkflow(result.document)).toMatchObject({ ok: true, problems: [] });
    const exported = parseWorkflowYaml(exportWorkflowYaml(result.document as WorkflowDocument));
    expect(exported.ok && exported.document).toEqual(result.document);
  });

  it("maps weighted scores to weighted fusion and skips reranking that is off", () => {
    const weighted = importRetrieval({
      retrieval_mode: "multiple",
      multiple_retrieval_config: {
        top_k: 6,
        score_threshold: null,
        reranking_enable: false,
        reranking_mode: "weighted_score",
        weights: { vector_setting: { vector_weight: 0.6, embedding_provider_name: "openai", embedding_model_name: "text-embedding-3-small" }, keyword_setting: { keyword_weight: 0.4 } },
      },
    });
    expect(weighted.config?.settings).toEqual({ topK: 6, fusion: { method: "weighted", keywordWeight: 0.4, vectorWeight: 0.6 } });
    expect(weighted.problems).toEqual([]);

    const off = importRetrieval({ retrieval_mode: "multiple", multiple_retrieval_config: { top_k: 500, reranking_enable: false, reranking_model: { provider: "cohere", model: "rerank-v3" } } });
    expect(off.config?.settings).toEqual({ topK: 100 });

    const nameless = importRetrieval({ retrieval_mode: "multiple", multiple_retrieval_config: { top_k: 2, reranking_enable: true } });
    expect(nameless.config?.settings).toEqual({ topK: 2 });
    expect(nameless.problems.map((problem) => [problem.severity, problem.message])).toEqual([
      ["warning", "Reranking was on but names no model: it was left off; pick a rerank model to turn it on."],
    ]);
  });

  it("imports N-to-1 retrieval as a search of every knowledge base, with a warning", () => {
    const single = importRetrieval({ retrieval_mode: "single", single_retrieval_config: { model: { provider: "openai", name: "gpt-4o-mini", mode: "chat" } } });
    expect(single.config).toMatchObject({ knowledgeBaseIds: [DATASET], settings: {} });
    expect(single.problems.map((problem) => [problem.path.join("."), problem.severity])).toEqual([["data.retrieval_mode", "warning"]]);
    expect(single.problems[0]?.message).toContain("N-to-1 retrieval (a model picks one knowledge base per question) is not supported");
  });

  it("maps every Dify comparison, splits comma lists, and reports what it cannot carry", () => {
    const operators = ["contains", "not contains", "start with", "end with", "is", "is not", "empty", "not empty", "in", "not in", "=", "≠", ">", "<", "≥", "≤", "before", "after", "all of"];
    const manual = importRetrieval({
      retrieval_mode: "multiple",
      multiple_retrieval_config: { top_k: 3 },
      metadata_filtering_mode: "manual",
      metadata_filtering_conditions: {
        logical_operator: "or",
        conditions: operators.map((operator, index) => ({
          name: `field_${index}`,
          comparison_operator: operator,
          value: operator.includes("in") && !operator.includes("contains") ? "hr, finance" : operator === "before" ? "2024-01-01" : index > 9 ? "42" : "x",
        })),
      },
    });
    const filter = manual.config?.filter as { logic: string; conditions: Array<{ operator: string; value?: unknown }> };
    expect(filter.logic).toBe("or");
    expect(filter.conditions.map((condition) => [condition.operator, condition.value])).toEqual([
      ["contains", "x"],
      ["not_contains", "x"],
      ["starts_with", "x"],
      ["ends_with", "x"],
      ["eq", "x"],
      ["ne", "x"],
      ["empty", undefined],
      ["not_empty", undefined],
      ["in", ["hr", "finance"]],
      ["not_in", ["hr", "finance"]],
      ["eq", 42],
      ["ne", 42],
      ["gt", 42],
      ["lt", 42],
      ["gte", 42],
      ["lte", 42],
      ["lt", "2024-01-01"],
      ["gt", 42],
    ]);
    expect(manual.problems.map((problem) => [problem.path.join("."), problem.severity, problem.message])).toEqual([
      ["data.metadata_filtering_conditions.conditions.18.comparison_operator", "error", 'The comparison "all of" is not supported; this condition was not imported.'],
      ["data.metadata_filtering_conditions.conditions.16.value", "warning", '"before" compares timestamps; the value "2024-01-01" was kept as it is, so check it.'],
    ]);
  });

  it("imports automatic metadata filtering as no filter, with a warning", () => {
    const automatic = importRetrieval({ retrieval_mode: "multiple", multiple_retrieval_config: { top_k: 3 }, metadata_filtering_mode: "automatic", metadata_model_config: { provider: "openai", name: "gpt-4o-mini" } });
    expect(automatic.config).not.toHaveProperty("filter");
    expect(automatic.problems.map((problem) => [problem.path.join("."), problem.severity])).toEqual([["data.metadata_filtering_mode", "warning"]]);
  });

  it("keeps an LLM context that is not a retrieval result as it was", () => {
    const result = importDifyDsl(chatflow({ retrieval_mode: "multiple", multiple_retrieval_config: { top_k: 3 } }, ["sys", "query"]));
    expect(result.document?.graph.nodes.find((node) => node.id === "llm")?.config).toMatchObject({ messages: [{ role: "user", text: "{{#sys.query#}}\n\n{{#sys.query#}}" }] });
  });
});
