import type { NodeSchemaRegistry } from "../nodes/node-schemas.ts";
import { collectModels } from "../schema/value-reference.ts";
import type { WorkflowDocument, WorkflowNode } from "../schema/workflow-document.ts";
import type { WorkflowProblem } from "./workflow-problem.ts";

/**
 * A private workflow may only use local models: every model a node names is checked, fallbacks and
 * bare references (a knowledge-retrieval node's rerank model) too.
 */
export function checkPrivateModels(
  document: WorkflowDocument,
  registry: NodeSchemaRegistry,
  isLocalModel: ((reference: string) => boolean | undefined) | undefined,
  problems: WorkflowProblem[],
): void {
  const visit = (nodes: readonly WorkflowNode[]) => {
    for (const node of nodes) {
      const schema = registry.get(node.type);
      if (!schema) continue;
      const config = schema.config.safeParse(node.config);
      if (!config.success) continue;
      for (const found of collectModels(schema.config, config.data)) {
        for (const reference of found.models) {
          if (reference.startsWith("tier:") || isLocalModel?.(reference) !== false) continue;
          problems.push({
            code: "private_model",
            nodeId: node.id,
            path: ["config", ...found.path, ...(found.kind === "selection" ? ["model"] : [])],
            message: `This workflow is private, so it can only use local models; ${reference} is a cloud model. Pick a local model or turn off "private".`,
          });
        }
      }
      if (node.type === "iteration") {
        const inner = (config.data as { graph?: { nodes?: WorkflowNode[] } }).graph?.nodes;
        if (inner) visit(inner);
      }
    }
  };
  visit(document.graph.nodes);
}
