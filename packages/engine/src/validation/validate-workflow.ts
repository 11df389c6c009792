import { z } from "zod";
import { defaultNodeSchemaRegistry, type NodeSchemaRegistry } from "../nodes/node-schemas.ts";
import { handlesOf, FAIL_HANDLE, DEFAULT_HANDLE, type NodeSchema, type OutputDeclaration } from "../schema/node-schema.ts";
import { collectReferences, SYSTEM_NAMESPACES } from "../schema/value-reference.ts";
import { elementType, typeAccepts, type ValueType } from "../schema/value-types.ts";
import {
  workflowDocumentSchema,
  workflowEdgeSchema,
  workflowKindSchema,
  workflowNodeSchema,
  WORKFLOW_SCHEMA_VERSION,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowKind,
  type WorkflowNode,
} from "../schema/workflow-document.ts";
import { checkPrivateModels } from "./check-private-models.ts";
import { buildAncestorIndex, type ReadonlySetLike } from "./ancestor-index.ts";
import { findOversizedArray, MAX_CONFIG_ELEMENTS } from "./config-size.ts";
import { findCycles, indexGraph, reachable } from "./graph-analysis.ts";
import { migrateNodeConfig } from "./migrate-node-config.ts";
import type { WorkflowProblem, WorkflowValidation } from "./workflow-problem.ts";

const envelopeSchema = z.object({
  schemaVersion: z.literal(WORKFLOW_SCHEMA_VERSION, { errorMap: () => ({ message: `schemaVersion must be ${WORKFLOW_SCHEMA_VERSION}` }) }),
  kind: workflowKindSchema,
  graph: z.object({ nodes: z.array(z.unknown()).max(1000), edges: z.array(z.unknown()).max(5000) }),
  settings: z.unknown().optional(),
  variables: z.record(z.unknown()).optional(),
});

const SYSTEM_VARIABLES: Record<string, { type: ValueType; kinds?: WorkflowKind[] }> = {
  query: { type: "string", kinds: ["chatflow"] },
  conversation_id: { type: "string", kinds: ["chatflow"] },
  files: { type: "array[file]" },
  user_id: { type: "string" },
  run_id: { type: "string" },
  app_id: { type: "string" },
  workflow_id: { type: "string" },
  inputs: { type: "object" },
};

interface ValidatedNode {
  node: WorkflowNode;
  schema: NodeSchema;
  config: unknown;
  outputs: Map<string, ValueType>;
}

/** What a sub-graph can see beyond its own nodes. */
interface Scope {
  kind: WorkflowKind;
  variables: Record<string, unknown>;
  /** Outer nodes visible from inside (upstream of the container), with their outputs. */
  outer: Map<string, Map<string, ValueType>>;
  /** The container (iteration) this graph runs inside, with the variables it provides. */
  container?: { id: string; outputs: Map<string, ValueType> };
  /** Node ids seen anywhere in the document, to catch duplicates across sub-graphs. */
  allIds: Set<string>;
  pathPrefix: Array<string | number>;
}

/**
 * Validates a workflow document and returns every problem at once, each with the node, the field
 * path and what to fix. Never throws, whatever the input.
 */
export interface ValidateWorkflowOptions {
  registry?: NodeSchemaRegistry;
  /**
   * Which model references are local, when the workspace's providers are known: used to refuse cloud
   * models in private workflows before anything runs. Returns undefined for references it cannot tell.
   */
  isLocalModel?: (reference: string) => boolean | undefined;
}

export function validateWorkflow(input: unknown, options: ValidateWorkflowOptions = {}): WorkflowValidation & { document?: WorkflowDocument } {
  const registry = options.registry ?? defaultNodeSchemaRegistry;
  const problems: WorkflowProblem[] = [];
  try {
    const envelope = envelopeSchema.safeParse(input);
    if (!envelope.success) {
      for (const issue of envelope.error.issues.slice(0, 50)) {
        problems.push({ code: "invalid_document", path: issue.path, message: issue.message });
      }
      return { ok: false, problems };
    }
    const { kind, graph } = envelope.data;
    const scope: Scope = { kind, variables: envelope.data.variables ?? {}, outer: new Map(), allIds: new Set(), pathPrefix: ["graph"] };
    validateGraph(graph.nodes, graph.edges, scope, registry, problems, true);

    const document = workflowDocumentSchema.safeParse(input);
    if (document.success && document.data.settings.private) checkPrivateModels(document.data, registry, options.isLocalModel, problems);
    if (!document.success) {
      for (const issue of document.error.issues.slice(0, 50)) {
        if (issue.path[0] === "graph") continue; // already reported node by node
        problems.push({ code: "invalid_document", path: issue.path, message: issue.message });
      }
    }
    return problems.length === 0 && document.success ? { ok: true, problems, document: document.data } : { ok: false, problems };
  } catch (error) {
    problems.push({ code: "internal", path: [], message: `Validation stopped early: ${error instanceof Error ? error.message : String(error)}` });
    return { ok: false, problems };
  }
}

function validateGraph(
  rawNodes: readonly unknown[],
  rawEdges: readonly unknown[],
  scope: Scope,
  registry: NodeSchemaRegistry,
  problems: WorkflowProblem[],
  isRoot: boolean,
): void {
  const nodes = new Map<string, ValidatedNode>();
  // Nodes already reported (unknown type, bad config…) still count as nodes for edges, reachability and
  // references, so one mistake gives one problem, not a cascade of dangling edges and unreachable nodes.
  const rejected = new Set<string>();
  const rejectedTypes = new Map<string, unknown>();
  rawNodes.forEach((raw, index) => {
    const validated = validateNode(raw, index, scope, registry, problems, isRoot);
    if (validated) nodes.set(validated.node.id, validated);
    else {
      const { id, type } = typeof raw === "object" && raw !== null ? (raw as { id?: unknown; type?: unknown }) : {};
      if (typeof id === "string" && !nodes.has(id) && !rejected.has(id)) {
        rejected.add(id);
        rejectedTypes.set(id, type);
      }
    }
  });
  const rejectedOfType = (type: string) => [...rejectedTypes].filter(([, rawType]) => rawType === type).map(([id]) => id);

  const edges = validateEdges(rawEdges, nodes, rejected, scope, problems);
  const graphIds = [...nodes.keys(), ...rejected];
  const { successors, predecessors } = indexGraph(graphIds, edges);
  const ancestorIndex = buildAncestorIndex(graphIds, predecessors);

  const entries: string[] = [];
  if (isRoot) {
    const starts = [...nodes.values()].filter((entry) => entry.node.type === "start");
    const rejectedStarts = rejectedOfType("start");
    if (starts.length + rejectedStarts.length === 0) problems.push({ code: "missing_start", path: ["graph", "nodes"], message: "Add a Start node: every workflow begins with one." });
    if (starts.length > 1) {
      for (const extra of starts.slice(1)) {
        problems.push({ code: "multiple_start", nodeId: extra.node.id, path: [], message: "Only one Start node is allowed: remove this one." });
      }
    }
    const finishing = scope.kind === "workflow" ? "end" : "answer";
    if (![...nodes.values()].some((entry) => entry.node.type === finishing) && rejectedOfType(finishing).length === 0) {
      problems.push({
        code: "missing_end",
        path: ["graph", "nodes"],
        message: scope.kind === "workflow" ? "Add an End node to return the run's outputs." : "Add an Answer node so the chat gets a reply.",
      });
    }
    for (const start of starts.slice(0, 1)) entries.push(start.node.id);
    if (entries.length === 0) entries.push(...rejectedStarts.slice(0, 1));
  } else {
    for (const id of nodes.keys()) if ((predecessors.get(id) ?? []).length === 0) entries.push(id);
  }

  for (const cycle of findCycles(successors)) {
    problems.push({
      code: "cycle",
      nodeId: cycle[0],
      path: [],
      message: `These nodes form a loop: ${cycle.join(" → ")} → ${cycle[0]}. Loops are only allowed inside an Iteration; remove an edge.`,
    });
  }

  if (entries.length > 0) {
    const seen = reachable(entries, successors);
    for (const id of nodes.keys()) {
      if (!seen.has(id)) {
        problems.push({ code: "unreachable", nodeId: id, path: [], message: "This node is not connected to the Start node, so it would never run: connect it or remove it." });
      }
    }
  }

  for (const entry of nodes.values()) {
    const ancestors = ancestorIndex.of(entry.node.id);
    validateReferences(entry, ancestors, nodes, rejected, scope, problems);
    if (entry.node.type === "iteration") validateIterationBody(entry, ancestors, nodes, scope, registry, problems);
  }
}

function validateNode(
  raw: unknown,
  index: number,
  scope: Scope,
  registry: NodeSchemaRegistry,
  problems: WorkflowProblem[],
  isRoot: boolean,
): ValidatedNode | null {
  const rawId = typeof raw === "object" && raw !== null ? (raw as { id?: unknown }).id : undefined;
  const nodeId = typeof rawId === "string" ? rawId : undefined;
  const parsed = workflowNodeSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 20)) {
      problems.push({ code: "invalid_document", ...(nodeId ? { nodeId } : {}), path: [...scope.pathPrefix, "nodes", index, ...issue.path], message: issue.message });
    }
    return null;
  }
  const node = parsed.data;
  if (scope.allIds.has(node.id)) {
    problems.push({ code: "duplicate_node", nodeId: node.id, path: ["id"], message: `Another node already has the id "${node.id}": ids must be unique.` });
    return null;
  }
  scope.allIds.add(node.id);
  if ((SYSTEM_NAMESPACES as readonly string[]).includes(node.id)) {
    problems.push({ code: "reserved_node_id", nodeId: node.id, path: ["id"], message: `"${node.id}" is reserved for system variables: rename the node.` });
  }
  const schema = registry.get(node.type);
  if (!schema) {
    problems.push({
      code: "unknown_node_type",
      nodeId: node.id,
      path: ["type"],
      message: `Unknown node type "${node.type}". Known types: ${[...registry.keys()].join(", ")}.`,
    });
    return null;
  }
  if (schema.kinds && !schema.kinds.includes(scope.kind)) {
    problems.push({ code: "node_not_allowed", nodeId: node.id, path: ["type"], message: `${schema.title} nodes only work in ${schema.kinds.join(" and ")} apps.` });
  }
  if (!isRoot && (node.type === "start" || node.type === "end" || node.type === "answer")) {
    problems.push({ code: "node_not_allowed", nodeId: node.id, path: ["type"], message: `${schema.title} nodes cannot go inside an Iteration.` });
  }
  const migrated = migrateNodeConfig(schema, node);
  if ("error" in migrated) {
    problems.push({ code: "unknown_node_version", nodeId: node.id, path: ["version"], message: migrated.error });
    return null;
  }
  const oversized = findOversizedArray(migrated.config);
  if (oversized) {
    problems.push({
      code: "invalid_config",
      nodeId: node.id,
      path: ["config", ...oversized],
      message: `This list has more than ${MAX_CONFIG_ELEMENTS} entries: shorten it.`,
    });
    return null;
  }
  const config = schema.config.safeParse(migrated.config);
  if (!config.success) {
    for (const issue of config.error.issues.slice(0, 20)) {
      problems.push({ code: "invalid_config", nodeId: node.id, path: ["config", ...issue.path], message: issue.message });
    }
    return null;
  }
  for (const problem of schema.check?.(config.data) ?? []) {
    problems.push({ code: "invalid_config", nodeId: node.id, path: ["config", ...problem.path], message: problem.message });
  }
  const outputs = new Map(schema.outputs(config.data).map((output: OutputDeclaration) => [output.name, output.type]));
  if (node.policy?.onError === "branch") {
    // What the runtime gives a node that takes its fail branch (execute-node.ts), for the nodes on that branch.
    outputs.set("error_message", "string");
    outputs.set("error_type", "string");
  }
  return { node, schema, config: config.data, outputs };
}

function validateEdges(
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

function validateReferences(
  entry: ValidatedNode,
  ancestors: ReadonlySetLike,
  nodes: Map<string, ValidatedNode>,
  rejected: ReadonlySet<string>,
  scope: Scope,
  problems: WorkflowProblem[],
): void {
  // Iteration bodies are checked in their own scope; their references are not the container's.
  const configForReferences =
    entry.node.type === "iteration" ? { ...(entry.config as Record<string, unknown>), graph: { nodes: [], edges: [] }, output: undefined } : entry.config;
  for (const reference of collectReferences(entry.schema.config, configForReferences)) {
    const [root, name] = reference.selector;
    if (root !== undefined && rejected.has(root)) continue;
    const path = ["config", ...reference.path];
    const located = locate(root ?? "", name ?? "", entry.node.id, ancestors, nodes, scope);
    if ("error" in located) {
      problems.push({ code: "unknown_reference", nodeId: entry.node.id, path, message: located.error });
      continue;
    }
    if (reference.selector.length === 2 && !typeAccepts(reference.accepts, located.type)) {
      problems.push({
        code: "type_mismatch",
        nodeId: entry.node.id,
        path,
        message: `${reference.selector.join(".")} is ${located.type}, but this field needs ${reference.accepts.join(" or ")}.`,
      });
    }
  }
}

function locate(
  root: string,
  name: string,
  selfId: string,
  ancestors: ReadonlySetLike,
  nodes: Map<string, ValidatedNode>,
  scope: Scope,
): { type: ValueType } | { error: string } {
  if (root === "sys") {
    const variable = Object.hasOwn(SYSTEM_VARIABLES, name) ? SYSTEM_VARIABLES[name] : undefined;
    if (!variable) return { error: `sys.${name} does not exist. System variables: ${Object.keys(SYSTEM_VARIABLES).join(", ")}.` };
    if (variable.kinds && !variable.kinds.includes(scope.kind)) return { error: `sys.${name} only exists in ${variable.kinds.join(", ")} apps.` };
    return { type: variable.type };
  }
  if (root === "env" || root === "conversation") {
    return Object.hasOwn(scope.variables, name) ? { type: "any" } : { error: `${root}.${name} is not defined: add it to the workflow's variables.` };
  }
  if (scope.container && root === scope.container.id) {
    const type = scope.container.outputs.get(name);
    return type ? { type } : { error: `Inside an iteration, ${root} offers only: ${[...scope.container.outputs.keys()].join(", ")}.` };
  }
  const local = nodes.get(root);
  if (local) {
    if (root === selfId) return { error: "A node cannot use its own output." };
    if (!ancestors.has(root)) {
      return { error: `"${local.node.title || root}" does not run before this node, so its output is not available here: connect it upstream.` };
    }
    const type = local.outputs.get(name);
    return type ? { type } : { error: `"${local.node.title || root}" has no output "${name}". It has: ${[...local.outputs.keys()].join(", ") || "none"}.` };
  }
  const outer = scope.outer.get(root);
  if (outer) {
    const type = outer.get(name);
    return type ? { type } : { error: `"${root}" has no output "${name}". It has: ${[...outer.keys()].join(", ") || "none"}.` };
  }
  return { error: `There is no node "${root}" upstream of this one.` };
}

function validateIterationBody(
  entry: ValidatedNode,
  ancestors: ReadonlySetLike,
  nodes: Map<string, ValidatedNode>,
  scope: Scope,
  registry: NodeSchemaRegistry,
  problems: WorkflowProblem[],
): void {
  const config = entry.config as { items: string[]; output: string[]; graph: { nodes: unknown[]; edges: unknown[] } };
  const outer = new Map(scope.outer);
  // A nested iteration's body still sees the enclosing iteration's item and index (the runtime resolves them).
  if (scope.container) outer.set(scope.container.id, scope.container.outputs);
  for (const id of ancestors) {
    const ancestor = nodes.get(id);
    if (ancestor) outer.set(id, ancestor.outputs);
  }
  const [itemsRoot, itemsName] = config.items;
  const itemsType = itemsRoot && itemsName ? (nodes.get(itemsRoot)?.outputs.get(itemsName) ?? outer.get(itemsRoot)?.get(itemsName)) : undefined;
  const inner: Scope = {
    ...scope,
    outer,
    container: { id: entry.node.id, outputs: new Map<string, ValueType>([["item", itemsType ? elementType(itemsType) : "any"], ["index", "number"]]) },
    pathPrefix: ["config", "graph"],
  };
  const before = problems.length;
  validateGraph(config.graph.nodes, config.graph.edges, inner, registry, problems, false);
  for (const problem of problems.slice(before)) {
    if (!problem.nodeId) problem.nodeId = entry.node.id;
  }
  const [outputRoot] = config.output;
  const innerIds = new Set(config.graph.nodes.map((node) => (typeof node === "object" && node !== null ? (node as { id?: unknown }).id : undefined)));
  if (!outputRoot || !innerIds.has(outputRoot)) {
    problems.push({ code: "unknown_reference", nodeId: entry.node.id, path: ["config", "output"], message: "The iteration's output must be an output of a node inside it." });
  }
}
