import { DEFAULT_HANDLE, FAIL_HANDLE, handlesOf } from "../schema/node-schema.ts";
import { interpolateReferences } from "../schema/value-reference.ts";
import type { CompiledNode } from "./compile-graph.ts";
import { resolveSelector, type ExecutionEnvironment, type ExecutionScope } from "./execution-scope.ts";
import { isNodeRunError, type NodeContext, type NodeResult } from "./node-implementation.ts";
import type { NodeRecord } from "./node-record.ts";

export class NodeTimeoutError extends Error {
  override readonly name = "NodeTimeoutError";
}

/**
 * Runs one node with its policy: retries with exponential backoff, a time limit per try, and the
 * error strategy (fail the run, use default outputs, or follow the fail branch). Emits node-start
 * and node-end. Throws only when the run itself is cancelled.
 */
export async function executeNode(
  entry: CompiledNode,
  scope: ExecutionScope,
  environment: ExecutionEnvironment,
  predecessorNodeId: string | null,
  /** The execution number assigned when the node was scheduled (kept across a resume); otherwise the next one. */
  assignedIndex?: number,
): Promise<NodeRecord> {
  const { node } = entry;
  const index = assignedIndex ?? environment.nextIndex();
  const startedAt = Date.now();
  const iteration = scope.container ? { iterationIndex: scope.container.iterationIndex, parentNodeId: scope.container.id } : {};
  environment.emit({
    type: "node-start",
    runId: environment.runId,
    at: startedAt,
    nodeId: node.id,
    nodeType: node.type,
    title: node.title,
    index,
    predecessorNodeId,
    ...iteration,
  });
  // A side effect starts only once the steps before it are durable: a resumed run will not repeat them.
  if (!entry.pure && environment.beforeSideEffect) await environment.beforeSideEffect();
  const attempts = node.policy?.retry?.attempts ?? 1;
  const backoffMs = node.policy?.retry?.backoffMs ?? 1000;
  let lastError: unknown;
  let attempt = 1;
  for (; attempt <= attempts; attempt += 1) {
    try {
      const result = await runOnce(entry, scope, environment, attempt);
      const branch = checkBranch(entry, result);
      environment.emit({
        type: "node-end",
        runId: environment.runId,
        at: Date.now(),
        nodeId: node.id,
        nodeType: node.type,
        title: node.title,
        index,
        status: "succeeded",
        inputs: result.inputs ?? {},
        outputs: result.outputs,
        ...(branch !== DEFAULT_HANDLE ? { branch } : {}),
        attempt,
        elapsedMs: Date.now() - startedAt,
        ...(result.usage ? { usage: result.usage } : {}),
        ...iteration,
      });
      const tokens = result.usage ? result.usage.tokensIn + result.usage.tokensOut : 0;
      const cost = result.usage?.cost ?? 0;
      return {
        status: "succeeded",
        outputs: result.outputs,
        ...(branch !== DEFAULT_HANDLE ? { branch } : {}),
        ...(tokens ? { tokens } : {}),
        ...(cost ? { cost } : {}),
      };
    } catch (error) {
      if (environment.signal.aborted) throw environment.signal.reason ?? error;
      lastError = error;
      if (attempt < attempts) await sleep(backoffMs * 2 ** (attempt - 1), environment.signal);
    }
  }
  attempt = Math.min(attempt, attempts);
  const message = lastError instanceof Error ? lastError.message : String(lastError);
  const strategy = node.policy?.onError ?? "fail";
  const outputs =
    strategy === "default"
      ? { ...(node.policy?.defaults ?? {}) }
      : strategy === "branch"
        ? { error_message: message, error_type: lastError instanceof Error ? lastError.name : "Error" }
        : {};
  environment.emit({
    type: "node-end",
    runId: environment.runId,
    at: Date.now(),
    nodeId: node.id,
    nodeType: node.type,
    title: node.title,
    index,
    status: strategy === "fail" ? "failed" : "exception",
    inputs: isNodeRunError(lastError) ? lastError.inputs : {},
    outputs,
    error: message,
    ...(isNodeRunError(lastError) && lastError.usage ? { usage: lastError.usage } : {}),
    ...(strategy === "branch" ? { branch: FAIL_HANDLE } : {}),
    attempt,
    elapsedMs: Date.now() - startedAt,
    ...iteration,
  });
  if (strategy === "fail") return { status: "failed", outputs: {}, error: message };
  return { status: "exception", outputs, error: message, ...(strategy === "branch" ? { branch: FAIL_HANDLE } : {}) };
}

async function runOnce(entry: CompiledNode, scope: ExecutionScope, environment: ExecutionEnvironment, attempt: number): Promise<NodeResult> {
  const timeoutMs = entry.node.policy?.timeoutMs;
  const controller = timeoutMs ? new AbortController() : null;
  const signal = controller ? AbortSignal.any([environment.signal, controller.signal]) : environment.signal;
  const resolve = (selector: string[]) => resolveSelector(selector, scope, environment);
  const context: NodeContext = {
    runId: environment.runId,
    node: entry.node,
    signal,
    attempt,
    private: environment.private,
    resolve,
    render: (text) => interpolateReferences(text, resolve),
    emitDelta: (text) => environment.emit({ type: "node-delta", runId: environment.runId, at: Date.now(), nodeId: entry.node.id, text }),
    services: environment.services,
    runSubgraph: async (request) => {
      if (!entry.body) throw new Error(`${entry.node.type} nodes have no body to run.`);
      const inner: ExecutionScope = {
        records: {},
        parent: scope,
        container: { id: entry.node.id, values: request.scope, iterationIndex: request.iterationIndex },
      };
      const result = await environment.runBody(entry.body, inner);
      if (result.failure) throw new Error(`${result.failure.title}: ${result.failure.error}`);
      const outputs: Record<string, Record<string, unknown>> = {};
      for (const [id, record] of Object.entries(inner.records)) outputs[id] = record.outputs;
      return { outputs };
    },
  };
  const pending = entry.implementation.run(entry.config, context);
  if (!controller || !timeoutMs) return pending;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new NodeTimeoutError(`Timed out after ${timeoutMs} ms.`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve(pending), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function checkBranch(entry: CompiledNode, result: NodeResult): string {
  const branch = result.branch ?? DEFAULT_HANDLE;
  if (branch === DEFAULT_HANDLE && !entry.implementation.schema.handles) return branch;
  const handles = handlesOf(entry.implementation.schema, entry.config).map((handle) => handle.id);
  if (!handles.includes(branch)) throw new Error(`The node chose branch "${branch}", which it does not have (${handles.join(", ")}).`);
  return branch;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
