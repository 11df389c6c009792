export {
  WORKFLOW_SCHEMA_VERSION,
  workflowKindSchema,
  workflowNodeSchema,
  workflowEdgeSchema,
  workflowDocumentSchema,
  emptyWorkflowDocument,
  type WorkflowKind,
  type WorkflowNode,
  type WorkflowEdge,
  type WorkflowDocument,
} from "./workflow-document.ts";
