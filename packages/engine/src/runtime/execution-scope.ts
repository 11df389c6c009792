import type { EngineServices } from "../ports/engine-services.ts";
import type { ValueSelector } from "../schema/value-reference.ts";
import type { NodeCatalog } from "../nodes/node-catalog.ts";
import type { CompiledGraph } from "./compile-graph.ts";
import type { NodeRecords } from "./node-record.ts";
import type { RunEventSink } from "./run-events.ts";

/** What every node execution of one run shares. */
export interface ExecutionEnvironment {
  runId: string;
  services: EngineServices;
  signal: AbortSignal;
  /** The document's `settings.private`: nodes pass it to the model gateway so only local models answer. */
  private: boolean;
  emit: RunEventSink;
  /** `sys.*`: inputs, query, user_id, conversation_id, files, run_id, … */
  system: Record<string, unknown>;
  /** `env.*` and `conversation.*` variables. */
  variables: Record<string, unknown>;
  catalog: NodeCatalog;
  /** Execution order numbers, shared by every node of the run. */
  nextIndex(): number;
  /** Awaited before a node with side effects runs: the checkpoints written so far are then durable. */
  beforeSideEffect?: () => Promise<void>;
  /** Runs a container's body to the end (every node inline); reports the failure that stopped it, if any. */
  runBody(body: CompiledGraph, scope: ExecutionScope): Promise<{ failure?: { nodeId: string; title: string; error: string } }>;
}

/** The variables visible at one level: the run's node records, or one iteration item's. */
export interface ExecutionScope {
  records: NodeRecords;
  parent?: ExecutionScope;
  /** Set inside a container: its id and the values it provides (item, index). */
  container?: { id: string; values: Record<string, unknown>; iterationIndex: number };
}

/** Reads `["nodeId", "output", ...path]`, `["sys", name]` or `["env", name]`; undefined when absent. */
export function resolveSelector(selector: ValueSelector, scope: ExecutionScope, environment: ExecutionEnvironment): unknown {
  const [root, name, ...path] = selector;
  if (root === undefined || name === undefined) return undefined;
  let value: unknown;
  if (root === "sys") value = environment.system[name];
  else if (root === "env" || root === "conversation") value = environment.variables[name];
  else value = lookupNode(root, name, scope);
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = Object.prototype.hasOwnProperty.call(value, part) ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

function lookupNode(nodeId: string, name: string, scope: ExecutionScope): unknown {
  for (let level: ExecutionScope | undefined = scope; level; level = level.parent) {
    if (level.container?.id === nodeId) return level.container.values[name];
    const record = level.records[nodeId];
    if (record) return record.status === "skipped" || record.status === "failed" ? undefined : record.outputs[name];
  }
  return undefined;
}
