import { createUnconfiguredModelGateway } from "../models/unconfigured-model-gateway.ts";
import { z } from "zod";
import { defaultNodeCatalog, type NodeCatalog } from "../nodes/node-catalog.ts";
import { defaultNodeSchemaRegistry, type NodeSchemaRegistry } from "../nodes/node-schemas.ts";
import type { EngineServices } from "../ports/engine-services.ts";
import { defineNode, type NodeContext, type NodeImplementation, type NodeResult } from "../runtime/node-implementation.ts";
import { DEFAULT_HANDLE, defineNodeSchema, type NodeSchema, type OutputDeclaration } from "../schema/node-schema.ts";
import { selector } from "../schema/value-reference.ts";

/**
 * Test-only node types for exercising the runtime: a "probe" that records every call and can be told
 * to sleep (honouring the abort signal), fail some attempts or on some input, and choose a branch.
 * `probe` is pure (runs inline in the `advance` step), `probe_impure` gets its own checkpointed step.
 */
export const probeConfigSchema = z.object({
  /** Named inputs, each read from an upstream value; echoed as outputs of the same name. */
  inputs: z.record(selector()).default({}),
  /** Returned as the `value` output. */
  value: z.unknown().optional(),
  /** Sleep before answering; the abort signal interrupts it. */
  sleepMs: z.number().int().min(0).default(0),
  /** Sleep as many ms as this input's (numeric) value, added to sleepMs. */
  sleepMsFromInput: z.string().optional(),
  /** Sleep only during this node's first N calls (a resumed run then finds it quick). */
  sleepCalls: z.number().int().min(0).optional(),
  /** Throw on the first N attempts. */
  failAttempts: z.number().int().min(0).default(0),
  /** Throw when this input equals the value. */
  failWhen: z.object({ input: z.string(), equals: z.unknown() }).optional(),
  /** Branch handles the node declares; omitted means the single "source" handle. */
  handles: z.array(z.string().min(1)).min(1).optional(),
  /** The branch to take. */
  branch: z.string().optional(),
});
export type ProbeConfig = z.infer<typeof probeConfigSchema>;

function probeOutputs(config: ProbeConfig): OutputDeclaration[] {
  return [
    { name: "value", type: "any" },
    { name: "attempt", type: "number" },
    ...Object.keys(config.inputs).map((name) => ({ name, type: "any" as const })),
  ];
}

function probeSchema(type: string, pure: boolean) {
  return defineNodeSchema({
    type,
    version: 1,
    title: pure ? "Probe" : "Impure probe",
    description: "Test node: records calls, sleeps, fails and branches on demand.",
    category: "transform",
    config: probeConfigSchema,
    outputs: probeOutputs,
    handles: (config) => (config.handles ?? [DEFAULT_HANDLE]).map((id) => ({ id, label: id })),
    pure,
  });
}

export const probeSchemaPure = probeSchema("probe", true);
export const probeSchemaImpure = probeSchema("probe_impure", false);

export interface ProbeCall {
  nodeId: string;
  attempt: number;
  inputs: Record<string, unknown>;
  /** performance.now() when the call began. */
  at: number;
}

/** Everything the probes of one test did. */
export class ProbeRecorder {
  readonly calls: ProbeCall[] = [];
  /** Calls that returned successfully, in the order they finished. */
  readonly finished: ProbeCall[] = [];
  inFlight = 0;
  maxInFlight = 0;

  count(nodeId: string): number {
    return this.calls.filter((call) => call.nodeId === nodeId).length;
  }

  /** Node ids in the order they were first called. */
  order(): string[] {
    return [...new Set(this.calls.map((call) => call.nodeId))];
  }
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function probeRun(recorder: ProbeRecorder) {
  return async (config: ProbeConfig, context: NodeContext): Promise<NodeResult> => {
    const inputs: Record<string, unknown> = {};
    for (const [name, reference] of Object.entries(config.inputs)) inputs[name] = context.resolve(reference);
    const call: ProbeCall = { nodeId: context.node.id, attempt: context.attempt, inputs, at: performance.now() };
    recorder.calls.push(call);
    const callNumber = recorder.count(context.node.id);
    recorder.inFlight += 1;
    recorder.maxInFlight = Math.max(recorder.maxInFlight, recorder.inFlight);
    try {
      const extra = config.sleepMsFromInput ? Number(inputs[config.sleepMsFromInput]) : 0;
      const sleepMs = config.sleepMs + (Number.isFinite(extra) ? extra : 0);
      if (sleepMs > 0 && (config.sleepCalls === undefined || callNumber <= config.sleepCalls)) await sleepFor(sleepMs, context.signal);
      if (context.attempt <= config.failAttempts) throw new Error(`probe ${context.node.id} failed on attempt ${context.attempt}`);
      if (config.failWhen && inputs[config.failWhen.input] === config.failWhen.equals) {
        throw new Error(`probe ${context.node.id} failed on ${config.failWhen.input}=${String(config.failWhen.equals)}`);
      }
      recorder.finished.push(call);
      return {
        outputs: { value: config.value ?? null, attempt: context.attempt, ...inputs },
        inputs,
        ...(config.branch ? { branch: config.branch } : {}),
      };
    } finally {
      recorder.inFlight -= 1;
    }
  };
}

export interface TestCatalog {
  catalog: NodeCatalog;
  registry: NodeSchemaRegistry;
  recorder: ProbeRecorder;
}

/** The default catalog and registry plus `probe` and `probe_impure`, with a fresh recorder. */
export function createTestCatalog(): TestCatalog {
  const recorder = new ProbeRecorder();
  const run = probeRun(recorder);
  const probes: NodeImplementation[] = [defineNode(probeSchemaPure, run), defineNode(probeSchemaImpure, run)];
  const catalog = new Map<string, NodeImplementation>(defaultNodeCatalog);
  const registry = new Map<string, NodeSchema>(defaultNodeSchemaRegistry);
  for (const probe of probes) {
    catalog.set(probe.schema.type, probe);
    registry.set(probe.schema.type, probe.schema);
  }
  return { catalog, registry, recorder };
}

/** Services that fail loudly: the runtime tests use no HTTP and no sandbox. */
export function throwingServices(): EngineServices {
  return {
    http: {
      request: () => Promise.reject(new Error("The http service is not available in this test.")),
    },
    sandbox: {
      run: () => Promise.reject(new Error("The sandbox service is not available in this test.")),
    },
    models: createUnconfiguredModelGateway(),
  };
}
