import { DEFAULT_HANDLE, FAIL_HANDLE, handlesOf } from "../schema/node-schema.ts";
import { workflowEdgeSchema, type WorkflowEdge } from "../schema/workflow-document.ts";
import type { Scope, ValidatedNode } from "./validation-scope.ts";
import type { WorkflowProblem } from "./workflow-problem.ts";

/** Checks each edge (ids, ends, handles, duplicates) and returns the ones the graph analysis may use. */
export function validateEdges(
  rawEdges: readonly unknown[],
  nodes: Map<string, ValidatedNode>,
  rejected: ReadonlySet<string>,
  scope: Scope,
  problems: WorkflowProblem[],
): WorkflowEdge[] {
  const edges: WorkflowEdge[] = [];
  const ids = new Set<string>();
  const links = new Set<string>();
  rawEdges.forEach((raw, index) => {
    const parsed = workflowEdgeSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 5)) {
        problems.push({ code: "invalid_document", path: [...scope.pathPrefix, "edges", index, ...issue.path], message: issue.message });
      }
      return;
    }
    const edge = parsed.data;
    const where = [...scope.pathPrefix, "edges", index];
    if (ids.has(edge.id)) {
      problems.push({ code: "duplicate_edge", edgeId: edge.id, path: where, message: `Another edge already has the id "${edge.id}".` });
      return;
    }
    ids.add(edge.id);
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    if ((source || rejected.has(edge.source)) && (target || rejected.has(edge.target)) && (!source || !target)) {
      // An end is a node already reported: keep the edge for the graph, check nothing more about it.
      edges.push(edge);
      return;
    }
    if (!source || !target) {
      const missing = !source ? edge.source : edge.target;
      problems.push({ code: "dangling_edge", edgeId: edge.id, path: where, message: `This edge points to "${missing}", which is not a node here: remove the edge or restore the node.` });
      return;
    }
    if (edge.source === edge.target) {
      problems.push({ code: "cycle", nodeId: edge.source, edgeId: edge.id, path: where, message: "A node cannot connect to itself." });
      return;
    }
    const handle = edge.sourceHandle ?? DEFAULT_HANDLE;
    const handles = handlesOf(source.schema, source.config).map((declared) => declared.id);
    if (source.node.policy?.onError === "branch") handles.push(FAIL_HANDLE);
    if (!handles.includes(handle)) {
      problems.push({
        code: "unknown_handle",
        nodeId: edge.source,
        edgeId: edge.id,
        path: where,
        message: `"${source.node.title || source.node.id}" has no "${handle}" branch (it has: ${handles.join(", ")}).`,
      });
      return;
    }
    const link = `${edge.source}\u0000${handle}\u0000${edge.target}`;
    if (links.has(link)) {
      problems.push({ code: "duplicate_edge", edgeId: edge.id, path: where, message: "These two nodes are already connected this way: remove the duplicate edge." });
      return;
    }
    links.add(link);
    edges.push(edge);
  });
  return edges;
}
