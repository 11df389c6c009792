import { z } from "zod";

/**
 * The workflow document (DSL v1) envelope: browser-safe, zod only. Node configs are validated by each
 * node type's own schema in the node catalog; here they are opaque records.
 * Conventions follow Dify's on purpose (value selectors `["nodeId", "output"]`, `{{#nodeId.output#}}`),
 * so Dify DSL files can be imported node for node.
 */
export const WORKFLOW_SCHEMA_VERSION = 1;

export const workflowKindSchema = z.enum(["workflow", "chatflow"]);

/** How the runtime treats a node: retries, a time limit, and what happens when it fails. */
export const nodePolicySchema = z.object({
  retry: z
    .object({
      /** Tries in all, the first included. */
      attempts: z.number().int().min(1).max(10).default(1),
      /** Wait before the first retry; doubled for each further one. */
      backoffMs: z.number().int().min(0).max(600_000).default(1000),
    })
    .optional(),
  /** Time limit per try. */
  timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  /** fail: the run fails. default: the node succeeds with `defaults` as its outputs. branch: follow the "fail" handle. */
  onError: z.enum(["fail", "default", "branch"]).default("fail"),
  defaults: z.record(z.unknown()).optional(),
});
export type NodePolicy = z.infer<typeof nodePolicySchema>;

export const workflowNodeSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_-]+$/, "node ids may only use letters, digits, '-' and '_'"),
  type: z.string().min(1).max(64),
  version: z.number().int().min(1),
  position: z.object({ x: z.number().finite(), y: z.number().finite() }).default({ x: 0, y: 0 }),
  title: z.string().max(200).default(""),
  config: z.record(z.unknown()).default({}),
  policy: nodePolicySchema.optional(),
});

export const workflowEdgeSchema = z.object({
  id: z.string().min(1).max(256),
  source: z.string().min(1),
  sourceHandle: z.string().min(1).optional(),
  target: z.string().min(1),
});

export const workflowGraphSchema = z.object({
  nodes: z.array(workflowNodeSchema).max(1000),
  edges: z.array(workflowEdgeSchema).max(5000),
});

export const workflowDocumentSchema = z.object({
  schemaVersion: z.literal(WORKFLOW_SCHEMA_VERSION),
  kind: workflowKindSchema,
  graph: workflowGraphSchema,
  /** Workflow-level settings: `private` (local models only), limits. */
  settings: z
    .object({
      private: z.boolean().default(false),
      maxSteps: z.number().int().min(1).max(100_000).default(500),
      maxDurationMs: z.number().int().min(1000).max(86_400_000).default(600_000),
    })
    .default({}),
  variables: z.record(z.unknown()).default({}),
});

export type WorkflowKind = z.infer<typeof workflowKindSchema>;
export type WorkflowNode = z.infer<typeof workflowNodeSchema>;
export type WorkflowEdge = z.infer<typeof workflowEdgeSchema>;
export type WorkflowGraph = z.infer<typeof workflowGraphSchema>;
export type WorkflowDocument = z.infer<typeof workflowDocumentSchema>;

/** An empty document of the given kind: what a new app's draft starts as. */
export function emptyWorkflowDocument(kind: WorkflowKind): WorkflowDocument {
  return workflowDocumentSchema.parse({ schemaVersion: WORKFLOW_SCHEMA_VERSION, kind, graph: { nodes: [], edges: [] } });
}
