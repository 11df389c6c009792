import type { EngineServices } from "../ports/engine-services.ts";
import type { NodeContext } from "../runtime/node-implementation.ts";
import { interpolateReferences, type ValueSelector } from "../schema/value-reference.ts";
import type { WorkflowNode } from "../schema/workflow-document.ts";

/**
 * A NodeContext for testing one node on its own: variables come from `pool` (`{ nodeId: { output: value } }`),
 * deltas are collected. Services default to ones that fail loudly, so a test states what it uses.
 */
export function createNodeTestContext(
  options: {
    pool?: Record<string, Record<string, unknown>>;
    services?: Partial<EngineServices>;
    node?: Partial<WorkflowNode>;
    signal?: AbortSignal;
    /** The workflow's `settings.private`; false unless a test checks private routing. */
    private?: boolean;
  } = {},
): NodeContext & { deltas: string[] } {
  const pool = options.pool ?? {};
  const deltas: string[] = [];
  const resolve = (selector: ValueSelector): unknown => {
    const [nodeId, ...path] = selector;
    let value: unknown = nodeId === undefined ? undefined : pool[nodeId];
    for (const part of path) {
      if (value === null || typeof value !== "object") return undefined;
      value = (value as Record<string, unknown>)[part];
    }
    return value;
  };
  const unavailable = (name: string) => () => {
    throw new Error(`The ${name} service is not available in this test; pass it in createNodeTestContext({ services }).`);
  };
  return {
    runId: "test-run",
    node: { id: "node", type: "test", version: 1, position: { x: 0, y: 0 }, title: "", config: {}, ...options.node },
    signal: options.signal ?? new AbortController().signal,
    attempt: 1,
    private: options.private ?? false,
    resolve,
    render: (text) => interpolateReferences(text, resolve),
    emitDelta: (text) => deltas.push(text),
    services: {
      http: { request: unavailable("http") },
      sandbox: { run: unavailable("sandbox") },
      models: { chat: unavailable("models"), embed: unavailable("models"), describe: unavailable("models"), countTokens: () => 0 },
      ...options.services,
    },
    runSubgraph: unavailable("subgraph"),
    deltas,
  };
}
