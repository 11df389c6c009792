import type { WorkflowDocument } from "../../schema/workflow-document.ts";
import type { StartInput } from "./start.schema.ts";

/** The start node's input form (what a caller fills in), or none. */
export function startVariables(document: WorkflowDocument): StartInput[] {
  const start = document.graph.nodes.find((node) => node.type === "start");
  const variables = (start?.config as { variables?: StartInput[] } | undefined)?.variables;
  return Array.isArray(variables) ? variables : [];
}
