import { describe, expect, it } from "vitest";
import { assignNodeIds } from "./dify/node-ids.ts";
import { importRegistry, loadFixture } from "./fixtures/load-fixture.ts";
import { importDifyDsl, type ImportProblem } from "./import-dify.ts";

const errors = (problems: ImportProblem[]): ImportProblem[] => problems.filter((problem) => problem.severity === "error");
const converted = (problems: ImportProblem[]): ImportProblem[] => problems.filter((problem) => !problem.message.startsWith("Validation: "));

/** A minimal Dify workflow file around the given nodes and edges (YAML flow style is JSON). */
function difyFile(nodes: unknown[], edges: unknown[] = [], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ app: { mode: "workflow", name: "Test" }, kind: "app", version: "0.1.5", workflow: { graph: { nodes, edges }, ...extra } });
}
const start = { id: "s", type: "custom", position: { x: 0, y: 0 }, data: { type: "start", title: "Start", variables: [] } };
const end = (selector: string[]): unknown => ({ id: "e", type: "custom", data: { type: "end", title: "End", outputs: [{ variable: "out", value_selector: selector }] } });
const edge = (source: string, target: string, sourceHandle = "source"): unknown => ({ id: `${source}-${sourceHandle}-${target}`, source, sourceHandle, target, targetHandle: "target" });

describe("importDifyDsl: what it cannot carry over", () => {
  it("reports python code and tool nodes by id and keeps them in the graph", () => {
    const result = importDifyDsl(loadFixture("dify-unsupported.yml"), { registry: importRegistry });
    const nodes = result.document?.graph.nodes ?? [];
    expect(nodes.map((node) => [node.id, node.type])).toEqual([
      ["1722000000001", "start"],
      ["1722000000002", "tool"],
      ["1722000000003", "llm"],
      ["1722000000004", "code"],
      ["1722000000005", "end"],
    ]);
    expect(result.document?.graph.edges).toHaveLength(4);
    const own = errors(converted(result.problems));
    expect(own.map((problem) => [problem.nodeId, problem.path])).toEqual([
      ["1722000000001", ["data", "variables", 1, "type"]],
      ["1722000000002", ["data", "tool_name"]],
      ["1722000000004", ["data", "code_language"]],
    ]);
    expect(own[0]?.message).toContain('"attachments": file-list inputs are not supported');
    expect(own[1]?.message).toContain('calls the Dify builtin tool "Tavily Search" (tavily/tavily_search), which this Tandem workspace does not have as "tavily__tavily_search"');
    expect(own[2]?.message).toBe("Python code nodes are not supported: rewrite it in JavaScript.");
    // The tool node keeps the tool's name and parameters, so adding a provider that offers it makes it run.
    expect(nodes[1]?.config).toEqual({
      tool: "tavily__tavily_search",
      parameters: { max_results: { type: "constant", value: 4 }, query: { type: "mixed", value: "{{#1722000000001.question#}}" } },
    });
    expect(nodes[3]?.config).toMatchObject({ code: expect.stringContaining("def main(text: str)") as string });
    // Validation's own findings follow, as errors.
    expect(result.problems.some((problem) => problem.nodeId === "1722000000004" && problem.message.startsWith("Validation: "))).toBe(true);
    // The note is reported, not silently dropped.
    expect(result.problems.find((problem) => problem.severity === "warning")?.message).toContain("Remember to refresh the handbook weekly");
  });

  it("reports invalid YAML with its line", () => {
    const result = importDifyDsl("app:\n  mode: workflow\nworkflow:\n  graph: { nodes: [\n");
    expect(result.document).toBeUndefined();
    expect(result.problems[0]).toMatchObject({ severity: "error", line: 5 });
    expect(result.problems[0]?.message).toMatch(/^Invalid YAML \(line 5, column \d+\)/);
  });

  it("says clearly when the file is not a Dify app export", () => {
    expect(importDifyDsl("workflow:\n  graph:\n    nodes: []\n").problems).toEqual([
      { path: ["app"], message: "This is not a Dify DSL file: the `app` section is missing.", severity: "error" },
    ]);
    expect(importDifyDsl("app:\n  mode: workflow\n").problems).toEqual([
      { path: ["workflow"], message: "This is not a Dify workflow export: the `workflow` section is missing.", severity: "error" },
    ]);
    expect(importDifyDsl("just text").problems[0]?.message).toContain("not a Dify DSL file");
    expect(importDifyDsl("schemaVersion: 1\nkind: workflow\n").problems[0]?.message).toContain("Tandem workflow file");
    expect(importDifyDsl("app:\n  mode: chat\nkind: app\nmodel_config: {}\n").problems[0]?.message).toContain('Dify "chat" apps cannot be imported');
  });

  it("warns about versions it was not written for, and about app features", () => {
    const text = JSON.stringify({ app: { mode: "workflow" }, version: "0.5.0", workflow: { graph: { nodes: [start, end(["s", "x"])] }, features: { opening_statement: "Hi", file_upload: { enabled: true } } } });
    const warnings = importDifyDsl(text).problems.filter((problem) => problem.severity === "warning");
    expect(warnings.map((problem) => problem.message)).toEqual([
      "Dify DSL version 0.5.0 is not one this importer was written for (0.1–0.3): check the result.",
      "App features not imported (set them up again in Tandem): opening statement, file upload.",
    ]);
  });

  it("reports edges it has to leave out, and duplicate node ids", () => {
    const twin = { ...start, data: { ...start.data, title: "Second start" } };
    const result = importDifyDsl(difyFile([start, twin, end(["s", "x"])], [edge("s", "e"), edge("ghost", "e")]));
    const own = converted(result.problems);
    expect(own.map((problem) => [problem.nodeId, problem.severity])).toEqual([
      ["s_2", "error"],
      [undefined, "error"],
    ]);
    expect(own[1]?.message).toContain('"ghost", which is not a node of the file');
    expect(result.document?.graph.nodes.map((node) => node.id)).toEqual(["s", "s_2", "e"]);
  });

});

describe("assignNodeIds", () => {
  it("keeps valid ids, renames others without collisions and avoids reserved roots", () => {
    expect(assignNodeIds(["a b", "a_b", "sys", "", "x".repeat(200), "ok-1"])).toEqual(["a_b_2", "a_b", "sys_node", "node", "x".repeat(120), "ok-1"]);
  });
});
