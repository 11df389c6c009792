import { DEFAULT_HANDLE } from "../schema/node-schema.ts";
import type { WorkflowEdge } from "../schema/workflow-document.ts";
import type { CompiledGraph, CompiledNode } from "./compile-graph.ts";
import type { ExecutionEnvironment, ExecutionScope } from "./execution-scope.ts";
import { executeNode } from "./execute-node.ts";
import type { NodeRecord, NodeRecords } from "./node-record.ts";

export interface StepResult {
  /** Ready nodes with side effects, left for the caller to run in their own checkpointed step. */
  pending: Array<{ entry: CompiledNode; predecessorNodeId: string | null }>;
  /** Set when a node failed with the "fail" strategy: the run stops. */
  failure?: { nodeId: string; title: string; error: string };
  /** Nodes executed in this step. */
  executed: number;
}

/**
 * One pass over the graph in topological order: every node whose incoming edges are all decided runs
 * (pure ones here, and impure ones too when `inlineImpure`), is skipped when none of its incoming
 * edges was taken, or waits. Because the order is topological, one pass reaches the fixpoint.
 */
export async function stepGraph(
  graph: CompiledGraph,
  scope: ExecutionScope,
  environment: ExecutionEnvironment,
  options: { inlineImpure: boolean; budget?: number },
): Promise<StepResult> {
  const { records } = scope;
  const pending: StepResult["pending"] = [];
  let executed = 0;
  for (const entry of graph.order) {
    const id = entry.node.id;
    if (records[id]) continue;
    const readiness = readinessOf(entry.incoming, records);
    if (readiness.state === "wait") continue;
    if (readiness.state === "skip") {
      records[id] = { status: "skipped", outputs: {} };
      continue;
    }
    if (!entry.pure && !options.inlineImpure) {
      pending.push({ entry, predecessorNodeId: readiness.predecessor });
      continue;
    }
    if (options.budget !== undefined && executed >= options.budget) break;
    // A stopped run starts no further node (LangGraph also checks between its steps).
    environment.signal.throwIfAborted();
    const record = await executeNode(entry, scope, environment, readiness.predecessor);
    records[id] = record;
    executed += 1;
    if (record.status === "failed") {
      return { pending: [], executed, failure: nodeFailure(entry, record) };
    }
  }
  return { pending, executed };
}

/** How a node that failed (with the "fail" strategy) stops the run. */
export function nodeFailure(entry: CompiledNode, record: NodeRecord): NonNullable<StepResult["failure"]> {
  return { nodeId: entry.node.id, title: entry.node.title || entry.node.id, error: record.error ?? "failed" };
}

type Readiness = { state: "wait" } | { state: "skip" } | { state: "run"; predecessor: string | null };

function readinessOf(incoming: readonly WorkflowEdge[], records: NodeRecords): Readiness {
  if (incoming.length === 0) return { state: "run", predecessor: null };
  let taken: string | null = null;
  for (const edge of incoming) {
    const source = records[edge.source];
    if (!source) return { state: "wait" };
    const isTaken = source.status !== "skipped" && source.status !== "failed" && (source.branch ?? DEFAULT_HANDLE) === (edge.sourceHandle ?? DEFAULT_HANDLE);
    if (isTaken && taken === null) taken = edge.source;
  }
  return taken === null ? { state: "skip" } : { state: "run", predecessor: taken };
}
