/** One thing wrong with a workflow document, located precisely enough for the editor to point at it. */
export interface WorkflowProblem {
  code:
    | "invalid_document"
    | "unknown_node_type"
    | "unknown_node_version"
    | "invalid_config"
    | "duplicate_node"
    | "reserved_node_id"
    | "node_not_allowed"
    | "duplicate_edge"
    | "dangling_edge"
    | "unknown_handle"
    | "missing_start"
    | "multiple_start"
    | "missing_end"
    | "cycle"
    | "unreachable"
    | "unknown_reference"
    | "type_mismatch"
    | "private_model"
    | "internal";
  /** The node the problem is on, when there is one. */
  nodeId?: string;
  edgeId?: string;
  /** Field path: inside the node (["config", "cases", 0, …]) or inside the document. */
  path: Array<string | number>;
  /** What is wrong and what to do about it. */
  message: string;
}

export interface WorkflowValidation {
  ok: boolean;
  problems: WorkflowProblem[];
}
