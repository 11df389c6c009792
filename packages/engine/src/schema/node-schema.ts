import type { z } from "zod";
import type { ValueType } from "./value-types.ts";
import type { WorkflowKind } from "./workflow-document.ts";

export type NodeCategory = "io" | "control" | "transform" | "tool" | "model" | "knowledge" | "data";

export interface OutputDeclaration {
  name: string;
  type: ValueType;
  description?: string;
}

export interface HandleDeclaration {
  /** The edge's `sourceHandle`. "source" is the default handle of nodes without branches. */
  id: string;
  label: string;
}

export interface ConfigProblem {
  /** Path inside the node's config. */
  path: Array<string | number>;
  message: string;
}

/**
 * The browser-safe half of a node type: what it is, its config (zod), its outputs and branches.
 * The zod schema drives validation, the editor's generated form and the downstream variable picker.
 */
export interface NodeSchema<C extends z.ZodTypeAny = z.ZodTypeAny> {
  type: string;
  /** Current config version; older saved configs go through `migrate`. */
  version: number;
  title: string;
  description: string;
  category: NodeCategory;
  config: C;
  outputs(config: z.infer<C>): OutputDeclaration[];
  /** Branches this node chooses between; omitted means the single "source" handle. */
  handles?(config: z.infer<C>): HandleDeclaration[];
  /**
   * No I/O, no side effects, quick: the runtime may run it in the same step as its neighbours and
   * re-run it after a crash. Nodes with side effects (HTTP, models) get their own checkpointed step.
   */
  pure: boolean;
  /** Workflow kinds the node may appear in; omitted means both. */
  kinds?: readonly WorkflowKind[];
  /** At most one per graph. */
  singleton?: boolean;
  /** Checks the zod schema cannot express (unique names, cross-field rules). */
  check?(config: z.infer<C>): ConfigProblem[];
  /** Upgrades a config saved at `fromVersion` to the current version. */
  migrate?(config: unknown, fromVersion: number): unknown;
}

export function defineNodeSchema<C extends z.ZodTypeAny>(schema: NodeSchema<C>): NodeSchema<C> {
  return schema;
}

export const DEFAULT_HANDLE = "source";
/** The handle a node takes when it fails and its error strategy is "branch". */
export const FAIL_HANDLE = "fail";

export function handlesOf(schema: NodeSchema, config: unknown): HandleDeclaration[] {
  return schema.handles?.(config) ?? [{ id: DEFAULT_HANDLE, label: "Next" }];
}
