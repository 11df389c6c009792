import { z } from "zod";
import { defineNodeSchema } from "../../schema/node-schema.ts";
import { selector } from "../../schema/value-reference.ts";
import { workflowEdgeSchema, workflowNodeSchema } from "../../schema/workflow-document.ts";

export const iterationConfigSchema = z.object({
  /** The list to iterate over. Inside, `[iterationId, "item"]` and `[iterationId, "index"]` are in scope. */
  items: selector({ accepts: ["array"] }),
  /** Items run at once. */
  parallelism: z.number().int().min(1).max(16).default(1),
  /** terminate: the first failing item fails the node. continue: its output is null. remove: it is left out. */
  errorMode: z.enum(["terminate", "continue", "remove"]).default("terminate"),
  /** The value collected from each item: an output of a node inside. */
  output: selector(),
  /** The sub-graph run once per item. Its entry nodes are those with no incoming edge inside it. */
  graph: z.object({
    nodes: z.array(workflowNodeSchema).min(1).max(200),
    edges: z.array(workflowEdgeSchema).max(1000).default([]),
  }),
});
export type IterationConfig = z.infer<typeof iterationConfigSchema>;

export const iterationSchema = defineNodeSchema({
  type: "iteration",
  version: 1,
  title: "Iteration",
  description: "Run a sub-graph for each item of a list and collect the results in order.",
  category: "control",
  config: iterationConfigSchema,
  outputs: () => [{ name: "output", type: "array[any]" }],
  pure: false,
});

/** The variables an iteration puts in scope for the nodes inside it. */
export const ITERATION_SCOPE_OUTPUTS = [
  { name: "item", type: "any" as const },
  { name: "index", type: "number" as const },
];
