import { z } from "zod";
import { defaultNodeSchemaRegistry, type NodeSchemaRegistry } from "../nodes/node-schemas.ts";
import type { OutputDeclaration } from "../schema/node-schema.ts";
import { SYSTEM_NAMESPACES } from "../schema/value-reference.ts";
import { elementType, type ValueType } from "../schema/value-types.ts";
import {
  workflowDocumentSchema,
  workflowKindSchema,
  workflowNodeSchema,
  WORKFLOW_SCHEMA_VERSION,
  type WorkflowDocument,
} from "../schema/workflow-document.ts";
import { checkPrivateModels } from "./check-private-models.ts";
import { buildAncestorIndex, type ReadonlySetLike } from "./ancestor-index.ts";
import { findOversizedArray, MAX_CONFIG_ELEMENTS } from "./config-size.ts";
import { findCycles, indexGraph, reachable } from "./graph-analysis.ts";
import { migrateNodeConfig } from "./migrate-node-config.ts";
import { validateEdges } from "./validate-edges.ts";
import { validateReferences } from "./validate-references.ts";
import type { Scope, ValidatedNode } from "./validation-scope.ts";
import type { WorkflowProblem, WorkflowValidation } from "./workflow-problem.ts";

const envelopeSchema = z.object({
  schemaVersion: z.literal(WORKFLOW_SCHEMA_VERSION, { errorMap: () => ({ message: `schemaVersion must be ${WORKFLOW_SCHEMA_VERSION}` }) }),
  kind: workflowKindSchema,
  graph: z.object({ nodes: z.array(z.unknown()).max(1000), edges: z.array(z.unknown()).max(5000) }),
  settings: z.unknown().optional(),
  variables: z.record(z.unknown()).optional(),
});

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
