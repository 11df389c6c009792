import { describe, expect, it } from "vitest";
import { chain, node, rawDocument } from "../testing/test-documents.ts";
import { createTestCatalog } from "../testing/test-nodes.ts";
import { validateWorkflow } from "./validate-workflow.ts";

/** The bound: validation answers within 50 ms, even at the document's size limits. */
const MAX_CALL_MS = 50;
const { registry } = createTestCatalog();

describe("validateWorkflow at the size limits", () => {
  it("validates a chain of 1000 nodes (the maximum) in under 50 ms", () => {
    const templates = Array.from({ length: 998 }, (_, index) =>
      node(`t${index}`, "template", { variables: [{ name: "v", selector: index === 0 ? ["start", "query"] : [`t${index - 1}`, "output"] }], template: "{{ v }}" }),
    );
    const ids = ["start", ...templates.map((entry) => entry.id), "end"];
    const document = rawDocument(
      "workflow",
      [node("start", "start", { variables: [{ name: "query", type: "text" }] }), ...templates, node("end", "end", { outputs: [{ name: "out", selector: ["t997", "output"] }] })],
      chain(...ids),
    );
    // The fastest of a few calls: the first ones include the JIT compiling the validator (a server is warm).
    let fastest = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const started = performance.now();
      const result = validateWorkflow(document, { registry });
      fastest = Math.min(fastest, performance.now() - started);
      expect(result.problems).toEqual([]);
    }
    expect(fastest).toBeLessThan(MAX_CALL_MS);
  });

  it("rejects a node config array far over its maximum (5001 start variables) in under 50 ms", () => {
    const variables = Array.from({ length: 5001 }, (_, index) => ({ name: `v${index}`, type: "text" }));
    const document = rawDocument("workflow", [node("start", "start", { variables }), node("end", "end", {})], chain("start", "end"));
    const started = performance.now();
    const result = validateWorkflow(document, { registry });
    const elapsed = performance.now() - started;
    expect(result.problems.map((problem) => [problem.code, problem.nodeId, problem.path.join(".")])).toEqual([["invalid_config", "start", "config.variables"]]);
    expect(elapsed).toBeLessThan(MAX_CALL_MS);
  });
});
