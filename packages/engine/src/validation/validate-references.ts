import { collectReferences } from "../schema/value-reference.ts";
import { typeAccepts, type ValueType } from "../schema/value-types.ts";
import type { WorkflowKind } from "../schema/workflow-document.ts";
import type { ReadonlySetLike } from "./ancestor-index.ts";
import type { Scope, ValidatedNode } from "./validation-scope.ts";
import type { WorkflowProblem } from "./workflow-problem.ts";

const SYSTEM_VARIABLES: Record<string, { type: ValueType; kinds?: WorkflowKind[] }> = {
  query: { type: "string", kinds: ["chatflow"] },
  conversation_id: { type: "string", kinds: ["chatflow"] },
  files: { type: "array[file]" },
  user_id: { type: "string" },
  run_id: { type: "string" },
  app_id: { type: "string" },
  workflow_id: { type: "string" },
  inputs: { type: "object" },
};

/** Checks every value reference in a node's config: it must name something upstream, with a matching type. */
export function validateReferences(
  entry: ValidatedNode,
  ancestors: ReadonlySetLike,
  nodes: Map<string, ValidatedNode>,
  rejected: ReadonlySet<string>,
  scope: Scope,
  problems: WorkflowProblem[],
): void {
  // Iteration bodies are checked in their own scope; their references are not the container's.
  const configForReferences =
    entry.node.type === "iteration" ? { ...(entry.config as Record<string, unknown>), graph: { nodes: [], edges: [] }, output: undefined } : entry.config;
  for (const reference of collectReferences(entry.schema.config, configForReferences)) {
    const [root, name] = reference.selector;
    if (root !== undefined && rejected.has(root)) continue;
    const path = ["config", ...reference.path];
    const located = locate(root ?? "", name ?? "", entry.node.id, ancestors, nodes, scope);
    if ("error" in located) {
      problems.push({ code: "unknown_reference", nodeId: entry.node.id, path, message: located.error });
      continue;
    }
    if (reference.selector.length === 2 && !typeAccepts(reference.accepts, located.type)) {
      problems.push({
        code: "type_mismatch",
        nodeId: entry.node.id,
        path,
        message: `${reference.selector.join(".")} is ${located.type}, but this field needs ${reference.accepts.join(" or ")}.`,
      });
    }
  }
}

function locate(
  root: string,
  name: string,
  selfId: string,
  ancestors: ReadonlySetLike,
  nodes: Map<string, ValidatedNode>,
  scope: Scope,
): { type: ValueType } | { error: string } {
  if (root === "sys") {
    const variable = Object.hasOwn(SYSTEM_VARIABLES, name) ? SYSTEM_VARIABLES[name] : undefined;
    if (!variable) return { error: `sys.${name} does not exist. System variables: ${Object.keys(SYSTEM_VARIABLES).join(", ")}.` };
    if (variable.kinds && !variable.kinds.includes(scope.kind)) return { error: `sys.${name} only exists in ${variable.kinds.join(", ")} apps.` };
    return { type: variable.type };
  }
  if (root === "env" || root === "conversation") {
    return Object.hasOwn(scope.variables, name) ? { type: "any" } : { error: `${root}.${name} is not defined: add it to the workflow's variables.` };
  }
  if (scope.container && root === scope.container.id) {
    const type = scope.container.outputs.get(name);
    return type ? { type } : { error: `Inside an iteration, ${root} offers only: ${[...scope.container.outputs.keys()].join(", ")}.` };
  }
  const local = nodes.get(root);
  if (local) {
    if (root === selfId) return { error: "A node cannot use its own output." };
    if (!ancestors.has(root)) {
      return { error: `"${local.node.title || root}" does not run before this node, so its output is not available here: connect it upstream.` };
    }
    const type = local.outputs.get(name);
    return type ? { type } : { error: `"${local.node.title || root}" has no output "${name}". It has: ${[...local.outputs.keys()].join(", ") || "none"}.` };
  }
  const outer = scope.outer.get(root);
  if (outer) {
    const type = outer.get(name);
    return type ? { type } : { error: `"${root}" has no output "${name}". It has: ${[...outer.keys()].join(", ") || "none"}.` };
  }
  return { error: `There is no node "${root}" upstream of this one.` };
}
