import { z } from "zod";

/**
 * The workflow document (DSL v1) envelope: browser-safe, zod only. Node configs are validated by each
 * node type's own schema in the node catalog; here they are opaque records.
 * Conventions follow Dify's on purpose (value selectors `["nodeId", "output"]`, `{{#nodeId.output#}}`),
 * so Dify DSL files can be imported node for node.
 */
export const WORKFLOW_SCHEMA_VERSION = 1;

export const workflowKindSchema = z.enum(["workflow", "chatflow"]);

export const workflowNodeSchema = z.object({
  id: z.string().min(1).max(128),
  type: z.string().min(1).max(64),
  version: z.number().int().min(1),
  position: z.object({ x: z.number().finite(), y: z.number().finite() }),
  title: z.string().max(200).default(""),
  config: z.record(z.unknown()).default({}),
});

export const workflowEdgeSchema = z.object({
  id: z.string().min(1).max(256),
  source: z.string().min(1),
  sourceHandle: z.string().min(1).optional(),
  target: z.string().min(1),
});

export const workflowDocumentSchema = z.object({
  schemaVersion: z.literal(WORKFLOW_SCHEMA_VERSION),
  kind: workflowKindSchema,
  graph: z.object({
    nodes: z.array(workflowNodeSchema),
    edges: z.array(workflowEdgeSchema),
  }),
  variables: z.record(z.unknown()).default({}),
});

export type WorkflowKind = z.infer<typeof workflowKindSchema>;
export type WorkflowNode = z.infer<typeof workflowNodeSchema>;
export type WorkflowEdge = z.infer<typeof workflowEdgeSchema>;
export type WorkflowDocument = z.infer<typeof workflowDocumentSchema>;

/** An empty document of the given kind: what a new app's draft starts as. */
export function emptyWorkflowDocument(kind: WorkflowKind): WorkflowDocument {
  return { schemaVersion: WORKFLOW_SCHEMA_VERSION, kind, graph: { nodes: [], edges: [] }, variables: {} };
}
