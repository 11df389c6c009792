import { describe, expect, it } from "vitest";
import { emptyWorkflowDocument, workflowDocumentSchema } from "./workflow-document.ts";

describe("workflow document envelope", () => {
  it("accepts an empty document of each kind", () => {
    for (const kind of ["workflow", "chatflow"] as const) {
      expect(workflowDocumentSchema.parse(emptyWorkflowDocument(kind))).toEqual(emptyWorkflowDocument(kind));
    }
  });

  it("reports the path of each problem", () => {
    const result = workflowDocumentSchema.safeParse({
      schemaVersion: 2,
      kind: "pipeline",
      graph: { nodes: [{ id: "", type: "start", version: 0, position: { x: 0, y: Number.NaN } }], edges: "none" },
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join(".")) ?? [];
    expect(paths).toEqual(
      expect.arrayContaining(["schemaVersion", "kind", "graph.nodes.0.id", "graph.nodes.0.version", "graph.nodes.0.position.y", "graph.edges"]),
    );
  });
});
