/** The outcome of one node in a run: what the scheduler and the variable pool read. Serialisable. */
export interface NodeRecord {
  status: "succeeded" | "failed" | "exception" | "skipped";
  outputs: Record<string, unknown>;
  /** The handle taken (branches, or "fail" for the fail branch). */
  branch?: string;
  error?: string;
  tokens?: number;
  cost?: number;
}

export type NodeRecords = Record<string, NodeRecord>;
