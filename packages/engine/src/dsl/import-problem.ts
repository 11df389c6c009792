/**
 * One thing found while reading a DSL file. Problems with a `nodeId` have a `path` inside that node
 * (in the Dify file: `["data", "method"]`; from validation: `["config", …]`); the others have a path
 * inside the file. `line` and `column` (1-based) are set for YAML syntax errors.
 */
export interface ImportProblem {
  nodeId?: string;
  path: Array<string | number>;
  message: string;
  severity: "error" | "warning";
  line?: number;
  column?: number;
}
