import { DEFAULT_HANDLE, FAIL_HANDLE } from "../../schema/node-schema.ts";
import type { WorkflowEdge, WorkflowGraph, WorkflowNode } from "../../schema/workflow-document.ts";
import type { ImportProblem } from "../import-problem.ts";
import { asRecord, asText } from "./converter.ts";

export interface PlacedNode {
  node: WorkflowNode;
  /** The new id of the container (iteration, loop) the node sits in, if any. */
  parentId?: string;
}

export interface GraphParts {
  nodes: PlacedNode[];
  /** Old id → new id, for every node of the file (first one of a duplicated id). */
  idOf: ReadonlyMap<string, string>;
  /** Old ids of the dropped iteration-start / loop-start nodes: edges from them are dropped too. */
  containerStarts: ReadonlySet<string>;
  edges: readonly unknown[];
}

/** Dify's handle for the error branch of a node whose error strategy is fail-branch. */
const DIFY_FAIL_HANDLE = "fail-branch";

/**
 * Nests the nodes: those inside a container go into its `config.graph`, with the edges among them.
 * Edges from a container's start node are dropped: the nodes they led to have no incoming edge inside
 * the container, which makes them its entry nodes. Every other edge left out is reported.
 */
export function buildGraph(parts: GraphParts, problems: ImportProblem[]): WorkflowGraph {
  const byId = new Map(parts.nodes.map((placed) => [placed.node.id, placed]));
  const graphOf = new Map<string, string>();
  for (const placed of parts.nodes) graphOf.set(placed.node.id, locate(placed, byId, problems));

  const graphs = new Map<string, WorkflowGraph>([["", { nodes: [], edges: [] }]]);
  const graphFor = (key: string): WorkflowGraph => {
    let graph = graphs.get(key);
    if (!graph) graphs.set(key, (graph = { nodes: [], edges: [] }));
    return graph;
  };
  for (const placed of parts.nodes) graphFor(graphOf.get(placed.node.id) ?? "").nodes.push(placed.node);

  const edgeIds = new Set<string>();
  parts.edges.forEach((raw, index) => {
    const edge = asRecord(raw);
    const path = ["workflow", "graph", "edges", index];
    const [source, target] = [asText(edge.source), asText(edge.target)];
    if (parts.containerStarts.has(source)) return;
    const [sourceId, targetId] = [parts.idOf.get(source), parts.idOf.get(target)];
    if (sourceId === undefined || targetId === undefined) {
      const missing = sourceId === undefined ? source : target;
      problems.push({ path, message: `This edge connects to "${missing}", which is not a node of the file: it was left out.`, severity: "error" });
      return;
    }
    const where = graphOf.get(sourceId) ?? "";
    if (where !== (graphOf.get(targetId) ?? "")) {
      const message = `The edge from "${sourceId}" to "${targetId}" crosses an iteration's boundary, which is not allowed: it was left out.`;
      problems.push({ nodeId: sourceId, path, message, severity: "error" });
      return;
    }
    const handle = asText(edge.sourceHandle, DEFAULT_HANDLE);
    let id = asText(edge.id) || `${sourceId}-${handle}-${targetId}`;
    for (let suffix = 2; edgeIds.has(id); suffix += 1) id = `${asText(edge.id) || `${sourceId}-${handle}-${targetId}`}-${suffix}`;
    edgeIds.add(id);
    const converted: WorkflowEdge = { id, source: sourceId, target: targetId };
    if (handle === DIFY_FAIL_HANDLE) converted.sourceHandle = FAIL_HANDLE;
    else if (handle !== DEFAULT_HANDLE && handle !== "") converted.sourceHandle = handle;
    graphFor(where).edges.push(converted);
  });

  for (const [key, graph] of graphs) {
    const container = byId.get(key)?.node;
    if (container) container.config = { ...container.config, graph };
  }
  return graphFor("");
}

/** The id of the container a node ends up in ("" for the top level), reporting parents that cannot hold it. */
function locate(placed: PlacedNode, byId: ReadonlyMap<string, PlacedNode>, problems: ImportProblem[]): string {
  const parentId = placed.parentId;
  if (parentId === undefined) return "";
  const seen = new Set([placed.node.id]);
  for (let current: string | undefined = parentId; current !== undefined; current = byId.get(current)?.parentId) {
    if (!byId.has(current)) {
      const message = `This node sits in the container "${current}", which is not in the file: it was placed at the top level.`;
      problems.push({ nodeId: placed.node.id, path: ["parentId"], message, severity: "error" });
      return "";
    }
    if (seen.has(current)) {
      problems.push({ nodeId: placed.node.id, path: ["parentId"], message: "Containers nest inside each other in a loop: the node was placed at the top level.", severity: "error" });
      return "";
    }
    seen.add(current);
  }
  return parentId;
}
