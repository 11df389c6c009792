import type { NodeCatalog } from "../nodes/node-catalog.ts";
import { DEFAULT_HANDLE } from "../schema/node-schema.ts";
import { collectReferences, SYSTEM_NAMESPACES } from "../schema/value-reference.ts";
import type { WorkflowEdge, WorkflowNode } from "../schema/workflow-document.ts";
import { indexGraph } from "../validation/graph-analysis.ts";
import { migrateNodeConfig } from "../validation/migrate-node-config.ts";
import type { NodeImplementation } from "./node-implementation.ts";

export interface CompiledNode {
  node: WorkflowNode;
  implementation: NodeImplementation;
  /** Parsed, migrated config with defaults applied. */
  config: unknown;
  pure: boolean;
  incoming: WorkflowEdge[];
  /** Node ids outside this node whose outputs it (or anything inside it) reads. */
  dependencies: string[];
  /** For containers: the compiled body, built once. */
  body?: CompiledGraph;
}

export interface CompiledGraph {
  nodes: Map<string, CompiledNode>;
  /** Topological order: a node comes after everything upstream of it. */
  order: CompiledNode[];
  /** How many of its nodes have side effects (are not `pure`); those inside containers count with their container. */
  sideEffects: number;
}

export class CompileError extends Error {
  override readonly name = "CompileError";
}

/**
 * Turns a validated graph into what the scheduler runs. Validation has already reported every problem;
 * anything still wrong here is a bug or an unvalidated document, and fails loudly.
 */
export function compileGraph(nodes: readonly WorkflowNode[], edges: readonly WorkflowEdge[], catalog: NodeCatalog): CompiledGraph {
  const compiled = new Map<string, CompiledNode>();
  for (const node of nodes) {
    const implementation = catalog.get(node.type);
    if (!implementation) throw new CompileError(`Unknown node type "${node.type}" (node ${node.id}).`);
    const migrated = migrateNodeConfig(implementation.schema, node);
    if ("error" in migrated) throw new CompileError(`${node.id}: ${migrated.error}`);
    const parsed = implementation.schema.config.safeParse(migrated.config);
    if (!parsed.success) throw new CompileError(`${node.id}: invalid config: ${parsed.error.issues[0]?.message ?? "unknown problem"}`);
    const entry: CompiledNode = { node, implementation, config: parsed.data, pure: implementation.schema.pure, incoming: [], dependencies: [] };
    if (node.type === "iteration") {
      const body = (parsed.data as { graph: { nodes: WorkflowNode[]; edges: WorkflowEdge[] } }).graph;
      entry.body = compileGraph(body.nodes, body.edges, catalog);
    }
    compiled.set(node.id, entry);
  }
  for (const edge of edges) compiled.get(edge.target)?.incoming.push({ ...edge, sourceHandle: edge.sourceHandle ?? DEFAULT_HANDLE });
  for (const entry of compiled.values()) entry.dependencies = [...externalDependencies(entry, new Set([entry.node.id]))];

  const { successors, predecessors } = indexGraph(compiled.keys(), edges);
  const order: CompiledNode[] = [];
  const remaining = new Map([...predecessors].map(([id, list]) => [id, list.length]));
  const queue = [...remaining].filter(([, count]) => count === 0).map(([id]) => id);
  while (queue.length > 0) {
    const id = queue.shift() as string;
    order.push(compiled.get(id) as CompiledNode);
    for (const next of successors.get(id) ?? []) {
      const count = (remaining.get(next) ?? 0) - 1;
      remaining.set(next, count);
      if (count === 0) queue.push(next);
    }
  }
  if (order.length !== compiled.size) throw new CompileError("The graph has a cycle.");
  return { nodes: compiled, order, sideEffects: order.filter((entry) => !entry.pure).length };
}

/** Every node id referenced by this node and the nodes inside it, minus the ones defined inside. */
function externalDependencies(entry: CompiledNode, inside: Set<string>): Set<string> {
  const found = new Set<string>();
  const config = entry.node.type === "iteration" ? { ...(entry.config as object), graph: undefined } : entry.config;
  for (const reference of collectReferences(entry.implementation.schema.config, config)) {
    const root = reference.selector[0];
    if (root && !(SYSTEM_NAMESPACES as readonly string[]).includes(root)) found.add(root);
  }
  if (entry.body) {
    const innerIds = new Set([...inside, ...entry.body.nodes.keys()]);
    for (const inner of entry.body.nodes.values()) for (const id of externalDependencies(inner, innerIds)) found.add(id);
  }
  for (const id of inside) found.delete(id);
  return found;
}
