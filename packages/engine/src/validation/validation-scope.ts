import type { NodeSchema } from "../schema/node-schema.ts";
import type { ValueType } from "../schema/value-types.ts";
import type { WorkflowKind, WorkflowNode } from "../schema/workflow-document.ts";

/** A node that passed its own checks: its parsed config and declared outputs. */
export interface ValidatedNode {
  node: WorkflowNode;
  schema: NodeSchema;
  config: unknown;
  outputs: Map<string, ValueType>;
}

/** What a sub-graph can see beyond its own nodes. */
export interface Scope {
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
