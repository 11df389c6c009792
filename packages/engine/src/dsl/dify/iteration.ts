import { iterationSchema } from "../../nodes/iteration/iteration.schema.ts";
import { asSelector, type NodeConverter } from "./converter.ts";

const ERROR_MODES: Record<string, "terminate" | "continue" | "remove"> = {
  terminated: "terminate",
  "continue-on-error": "continue",
  "remove-abnormal-output": "remove",
};
const MAX_PARALLELISM = 16;

/**
 * The iteration's settings. Its body (`config.graph`) is filled by the importer from the nodes whose
 * parent is this iteration; the iteration-start node is dropped and its targets become entry nodes.
 */
export const convertIteration: NodeConverter = (data, context) => {
  let parallelism = 1;
  if (data.is_parallel === true) {
    const wanted = typeof data.parallel_nums === "number" && Number.isInteger(data.parallel_nums) ? data.parallel_nums : 10;
    parallelism = Math.min(Math.max(wanted, 1), MAX_PARALLELISM);
    if (parallelism !== wanted) context.report(["parallel_nums"], `Parallelism ${wanted} is out of range; ${parallelism} was used.`, "warning");
  }
  const mode = typeof data.error_handle_mode === "string" ? data.error_handle_mode : "terminated";
  const errorMode = ERROR_MODES[mode];
  if (!errorMode) context.report(["error_handle_mode"], `Error handling "${mode}" is unknown; "terminate" was used.`, "warning");
  if (data.flatten_output === true) {
    context.report(["flatten_output"], "Tandem does not flatten list outputs of an iteration: each item's output is kept as it is.", "warning");
  }
  return {
    type: "iteration",
    version: iterationSchema.version,
    config: {
      items: asSelector(data.iterator_selector),
      parallelism,
      errorMode: errorMode ?? "terminate",
      output: asSelector(data.output_selector),
      graph: { nodes: [], edges: [] },
    },
  };
};
