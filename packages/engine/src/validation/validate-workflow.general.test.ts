import { describe, expect, it } from "vitest";
import { chain, edge, node, rawDocument, type RawEdge, type RawNode } from "../testing/test-documents.ts";
import { iterationDocument, only, problemsOf, start, template, workflow } from "../testing/validation-test-helpers.ts";
import { createTestCatalog } from "../testing/test-nodes.ts";
import { validateWorkflow } from "./validate-workflow.ts";

describe("validateWorkflow", () => {
  it("reports every problem at once", () => {
    const document = rawDocument(
      "workflow",
      [
        start(),
        start(),
        node("mystery", "teleport"),
        template("sys"),
        template("t", [{ name: "v", selector: ["ghost", "x"] }]),
        template("island"),
      ],
      [...chain("start", "sys", "t"), edge("t", "nowhere")],
    );
    const codes = new Set(problemsOf(document).map((problem) => problem.code));
    expect([...codes].sort()).toEqual(
      ["dangling_edge", "duplicate_node", "missing_end", "reserved_node_id", "unknown_node_type", "unknown_reference", "unreachable"].sort(),
    );
  });

  it("returns the normalised document, defaults applied, for a valid one", () => {
    const raw = workflow([template("t", [{ name: "q", selector: ["start", "query"] }], "{{ q }}")], [], [{ name: "out", selector: ["t", "output"] }]);
    const result = validateWorkflow(raw);
    expect(result).toMatchObject({ ok: true, problems: [] });
    expect(result.document?.settings).toEqual({ private: false, maxSteps: 500, maxDurationMs: 600_000 });
    expect(result.document?.variables).toEqual({});
    expect(result.document?.graph.nodes[1]).toEqual({
      id: "t",
      type: "template",
      version: 1,
      position: { x: 0, y: 0 },
      title: "",
      config: { variables: [{ name: "q", selector: ["start", "query"] }], template: "{{ q }}" },
    });
    expect(result.document?.graph.edges).toEqual(raw.graph.edges);
    // The input is left alone.
    expect(raw).not.toHaveProperty("settings");
  });

  it("fills policy defaults", () => {
    const raw = workflow([{ ...template("t"), policy: { retry: {} } }]);
    const result = validateWorkflow(raw);
    expect(result.ok).toBe(true);
    expect(result.document?.graph.nodes[1]?.policy).toEqual({ retry: { attempts: 1, backoffMs: 1000 }, onError: "fail" });
  });

  it("accepts an iteration whose body uses the item, the index and an upstream node outside", () => {
    const result = validateWorkflow(iterationDocument(), { registry: createTestCatalog().registry });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it("lets a nested iteration's body use the enclosing iteration's item and index", () => {
    const document = iterationDocument();
    const loop = document.graph.nodes[2] as RawNode;
    const sub = node("sub", "iteration", {
      items: ["loop", "item"],
      output: ["leaf", "output"],
      graph: {
        nodes: [
          template("leaf", [
            { name: "outer_index", selector: ["loop", "index"] },
            { name: "inner_item", selector: ["sub", "item"] },
            { name: "prefix", selector: ["start", "prefix"] },
          ]),
        ],
      },
    });
    loop.config = { ...loop.config, output: ["sub", "output"], graph: { nodes: [sub], edges: [] } };
    expect(problemsOf(document)).toEqual([]);
    // …but not the item of an iteration it is not inside.
    const leaf = ((sub.config.graph as { nodes: RawNode[] }).nodes[0] as RawNode).config as { variables: Array<{ name: string; selector: string[] }> };
    leaf.variables[2] = { name: "other", selector: ["other", "item"] };
    const problem = only(problemsOf(document), "unknown_reference");
    expect(problem).toMatchObject({ nodeId: "leaf", path: ["config", "variables", 2, "selector"] });
  });

  it("lets the nodes on a fail branch read error_message and error_type, and only with the branch strategy", () => {
    const withStrategy = (onError: string) => {
      const document = workflow([{ ...template("risky"), policy: { onError } }, template("handler", [{ name: "why", selector: ["risky", "error_message"] }, { name: "kind", selector: ["risky", "error_type"] }])]);
      return problemsOf(document);
    };
    expect(withStrategy("branch")).toEqual([]);
    const problems = withStrategy("fail");
    expect(problems.map((problem) => problem.code)).toEqual(["unknown_reference", "unknown_reference"]);
    expect(problems[0]?.message).toBe('"risky" has no output "error_message". It has: output.');
  });

  it("locates problems inside an iteration body on the inner node", () => {
    const document = iterationDocument();
    const loop = document.graph.nodes[2] as RawNode;
    const body = (loop.config as { graph: { nodes: RawNode[]; edges: RawEdge[] } }).graph;
    body.nodes.push(template("inner2", [{ name: "v", selector: ["end", "x"] }]));
    body.edges.push(edge("inner", "inner2"));
    const problem = only(problemsOf(document), "unknown_reference");
    expect(problem).toMatchObject({ nodeId: "inner2", path: ["config", "variables", 0, "selector"] });
  });
});

/** start(prefix) → list → loop (body: inner reads item, index and start.prefix) → end. */
