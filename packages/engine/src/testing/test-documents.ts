import type { NodeSchemaRegistry } from "../nodes/node-schemas.ts";
import type { WorkflowDocument, WorkflowKind } from "../schema/workflow-document.ts";
import { validateWorkflow } from "../validation/validate-workflow.ts";

/** Raw (unvalidated) document parts, as the editor would save them. */
export interface RawNode {
  id: string;
  type: string;
  version: number;
  config: Record<string, unknown>;
  title?: string;
  policy?: Record<string, unknown>;
  position?: { x: number; y: number };
}

export interface RawEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string;
}

export interface RawDocument {
  schemaVersion: number;
  kind: WorkflowKind;
  graph: { nodes: RawNode[]; edges: RawEdge[] };
  settings?: Record<string, unknown>;
  variables?: Record<string, unknown>;
}

export function node(id: string, type: string, config: Record<string, unknown> = {}, extra: Partial<RawNode> = {}): RawNode {
  return { id, type, version: 1, config, ...extra };
}

export function edge(source: string, target: string, sourceHandle?: string, id?: string): RawEdge {
  return { id: id ?? `${source}-${sourceHandle ?? "source"}-${target}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) };
}

/** Edges along a chain of node ids. */
export function chain(...ids: string[]): RawEdge[] {
  return ids.slice(1).map((id, index) => edge(ids[index] as string, id));
}

export function rawDocument(
  kind: WorkflowKind,
  nodes: RawNode[],
  edges: RawEdge[],
  extra: { settings?: Record<string, unknown>; variables?: Record<string, unknown> } = {},
): RawDocument {
  return { schemaVersion: 1, kind, graph: { nodes, edges }, ...extra };
}

/** Validates a document that a test means to be valid, and returns it normalised; throws with the problems otherwise. */
export function validDocument(raw: RawDocument, registry?: NodeSchemaRegistry): WorkflowDocument {
  const result = validateWorkflow(raw, registry ? { registry } : {});
  if (!result.ok || !result.document) {
    throw new Error(`Test document is invalid:\n${result.problems.map((problem) => `${problem.code} ${problem.nodeId ?? ""} ${JSON.stringify(problem.path)}: ${problem.message}`).join("\n")}`);
  }
  return result.document;
}
