import type { z } from "zod";
import type { NodeSchema } from "../schema/node-schema.ts";
import type { ValueSelector } from "../schema/value-reference.ts";
import type { WorkflowNode } from "../schema/workflow-document.ts";
import type { EngineServices } from "../ports/engine-services.ts";
import type { NodeUsage } from "../ports/node-usage.ts";

export type { NodeUsage } from "../ports/node-usage.ts";

export interface NodeResult {
  outputs: Record<string, unknown>;
  /** The handle to follow, for nodes with branches. */
  branch?: string;
  /** What the node actually consumed, recorded on its execution for debugging. */
  inputs?: Record<string, unknown>;
  usage?: NodeUsage;
}

/** What a node sees while it runs. */
export interface NodeContext {
  readonly runId: string;
  readonly node: WorkflowNode;
  /** Aborted on cancellation, on the node's timeout, or when the run's limits are hit. */
  readonly signal: AbortSignal;
  /** 1 on the first try. */
  readonly attempt: number;
  /** The workflow is private (`settings.private`): model calls must stay on local models. */
  readonly private: boolean;
  /** Reads a variable (`["nodeId", "output", ...path]`); undefined when it does not exist. */
  resolve(selector: ValueSelector): unknown;
  /** Replaces `{{#nodeId.output#}}` references in text. */
  render(text: string): string;
  /** Streams a piece of text (answer, llm) as a `node-delta` event. */
  emitDelta(text: string): void;
  /** Ports to the outside world, given at composition time. */
  readonly services: EngineServices;
  /** Runs this container node's body (iteration) once, with extra variables in scope. */
  runSubgraph(request: SubgraphRequest): Promise<SubgraphResult>;
}

export interface SubgraphRequest {
  /** Variables visible inside as `[containerId, name]`, e.g. item and index. */
  scope: Record<string, unknown>;
  /** Index of the item, recorded on the node executions inside. */
  iterationIndex: number;
}

export interface SubgraphResult {
  /** Outputs of every node that ran inside, by node id. */
  outputs: Record<string, Record<string, unknown>>;
}

/** The server half of a node type: its schema plus `run`. */
export interface NodeImplementation<C extends z.ZodTypeAny = z.ZodTypeAny> {
  schema: NodeSchema<C>;
  run(config: z.infer<C>, context: NodeContext): Promise<NodeResult> | NodeResult;
}

export function defineNode<C extends z.ZodTypeAny>(
  schema: NodeSchema<C>,
  run: (config: z.infer<C>, context: NodeContext) => Promise<NodeResult> | NodeResult,
): NodeImplementation<C> {
  return { schema, run };
}

/**
 * A node failure that still reports what the node consumed and spent (a text2sql node's failed
 * attempts, the tokens of the model calls it made): recorded on the failed execution, as a success's
 * inputs and usage are.
 */
export class NodeRunError extends Error {
  override readonly name = "NodeRunError";
  readonly inputs: Record<string, unknown>;
  readonly usage: NodeUsage | undefined;

  constructor(message: string, details: { inputs?: Record<string, unknown>; usage?: NodeUsage | undefined; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.inputs = details.inputs ?? {};
    this.usage = details.usage;
  }
}

export function isNodeRunError(error: unknown): error is NodeRunError {
  return error instanceof Error && error.name === "NodeRunError" && typeof (error as { inputs?: unknown }).inputs === "object";
}
