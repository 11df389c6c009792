import type { NodeSchema } from "../schema/node-schema.ts";
import type { WorkflowNode } from "../schema/workflow-document.ts";

/** Brings a saved node's config up to its type's current version, or says why it cannot. */
export function migrateNodeConfig(schema: NodeSchema, node: WorkflowNode): { config: unknown } | { error: string } {
  if (node.version === schema.version) return { config: node.config };
  if (node.version > schema.version) {
    return { error: `${schema.title} version ${node.version} is newer than this Tandem supports (${schema.version}): upgrade Tandem.` };
  }
  if (!schema.migrate) return { error: `${schema.title} version ${node.version} can no longer be loaded: recreate the node.` };
  try {
    return { config: schema.migrate(node.config, node.version) };
  } catch (error) {
    return { error: `${schema.title} version ${node.version} could not be upgraded: ${error instanceof Error ? error.message : String(error)}` };
  }
}
