import { setMaxListeners } from "node:events";
import { Annotation, END, START, StateGraph, type BaseCheckpointSaver, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { defaultNodeCatalog, type NodeCatalog } from "../nodes/node-catalog.ts";
import type { EngineServices } from "../ports/engine-services.ts";
import { valueToText } from "../schema/value-reference.ts";
import type { WorkflowDocument } from "../schema/workflow-document.ts";
import { compileGraph, type CompiledGraph } from "./compile-graph.ts";
import { executeNode } from "./execute-node.ts";
import type { ExecutionEnvironment } from "./execution-scope.ts";
import type { NodeRecord, NodeRecords } from "./node-record.ts";
import type { RunEventSink } from "./run-events.ts";
import { createSideEffectDurability, type SideEffectDurability } from "./side-effect-durability.ts";
import { nodeFailure, stepGraph, type StepResult } from "./step-graph.ts";

export interface RunWorkflowOptions {
  runId: string;
  /** A document that passed validateWorkflow. */
  document: WorkflowDocument;
  inputs: Record<string, unknown>;
  /** Extra `sys.*` values: query, user_id, conversation_id, files, app_id. */
  system?: Record<string, unknown>;
  services: EngineServices;
  onEvent: RunEventSink;
  signal?: AbortSignal;
  /** Persist a checkpoint after every step so a run whose process died resumes where it stopped. */
  checkpointer?: BaseCheckpointSaver;
  /** Continue from the run's last checkpoint instead of starting over. */
  resume?: boolean;
  /**
   * Stores the run's latest checkpoint and resolves once it is durable. Given, LangGraph's checkpoints
   * are handed to the checkpointer without waiting ("async" durability) and this is awaited only when
   * it matters: before a node with side effects (not `pure`) starts while an earlier one's result is
   * not yet secured, and in the background shortly after a side effect (see side-effect-durability.ts).
   * A resumed run still never repeats a finished side effect, and pure work never waits for the
   * database. Not given, every step waits for its checkpoint ("sync").
   */
  durabilityBarrier?: () => Promise<void>;
  catalog?: NodeCatalog;
}

export interface RunOutcome {
  status: "succeeded" | "failed" | "stopped";
  outputs: Record<string, unknown>;
  error?: string;
  failedNodeId?: string;
  totalSteps: number;
  totalTokens: number;
  /** Sum of the model costs of the run's nodes (price table), in USD. */
  totalCost: number;
  elapsedMs: number;
}

interface PendingNode {
  nodeId: string;
  predecessorNodeId: string | null;
  /** Its execution number, fixed when scheduled so a resumed task keeps it. */
  index: number;
}

/** Side-effecting nodes run at once in one round (one LangGraph slot each); more wait for the next round. */
const MAX_PARALLEL_NODES = 32;

interface Failure {
  nodeId: string;
  error: string;
}

const RunState = Annotation.Root({
  records: Annotation<NodeRecords>({ reducer: (left, right) => ({ ...left, ...right }), default: () => ({}) }),
  pending: Annotation<PendingNode[]>({ reducer: (_left, right) => right, default: () => [] }),
  executed: Annotation<number>({ reducer: (left, right) => left + right, default: () => 0 }),
  /** The highest execution number handed out, so numbering continues after a resume. */
  indexUsed: Annotation<number>({ reducer: (left, right) => Math.max(left, right), default: () => 0 }),
  failure: Annotation<Failure | null>({ reducer: (left, right) => right ?? left, default: () => null }),
});
type RunStateValue = typeof RunState.State;

/** Compiled graphs by catalog, then document: the same document run with another catalog compiles again. */
const compiledDocuments = new WeakMap<NodeCatalog, WeakMap<WorkflowDocument, CompiledGraph>>();

/**
 * Runs a workflow. The graph is compiled to a LangGraph StateGraph of two kinds of step: `advance` runs every
 * ready pure node inline (templates, conditions, aggregators: no superstep per node) and at most one
 * node with side effects (HTTP, models), and `execute-N` slots run parallel side effects as tasks of
 * their own, so LangGraph checkpoints each on its own and a resumed run never repeats one that
 * finished. See docs/adr/0006-engine-runtime.md and 0019.
 */
export async function runWorkflow(options: RunWorkflowOptions): Promise<RunOutcome> {
  const startedAt = Date.now();
  const catalog = options.catalog ?? defaultNodeCatalog;
  let byDocument = compiledDocuments.get(catalog);
  if (!byDocument) {
    byDocument = new WeakMap();
    compiledDocuments.set(catalog, byDocument);
  }
  let graph = byDocument.get(options.document);
  if (!graph) {
    graph = compileGraph(options.document.graph.nodes, options.document.graph.edges, catalog);
    byDocument.set(options.document, graph);
  }
  const compiled = graph;
  const { maxSteps, maxDurationMs } = options.document.settings;
  const timeLimit = AbortSignal.timeout(maxDurationMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeLimit]) : timeLimit;
  // LangChain adds an abort listener per running task; many parallel tasks are normal, not a leak.
  setMaxListeners(0, signal);
  const counter = { index: 0 };
  const durability = options.checkpointer && options.durabilityBarrier ? createSideEffectDurability(options.durabilityBarrier) : undefined;
  let totalTokens = 0;
  let totalCost = 0;
  const environment: ExecutionEnvironment = {
    runId: options.runId,
    services: options.services,
    signal,
    private: options.document.settings.private,
    emit: (event) => {
      if (event.type === "node-end" && event.usage) {
        totalTokens += event.usage.tokensIn + event.usage.tokensOut;
        totalCost += event.usage.cost ?? 0;
      }
      options.onEvent(event);
    },
    system: { ...options.system, inputs: options.inputs, run_id: options.runId },
    variables: options.document.variables,
    catalog,
    nextIndex: () => (counter.index += 1),
    ...(durability ? { beforeSideEffect: () => durability.beforeSideEffect() } : {}),
    runBody: (body, scope) => stepGraph(body, scope, environment, { inlineImpure: true }),
  };
  if (activeRuns.has(options.runId)) throw new Error(`Run ${options.runId} is already running in this process.`);
  activeRuns.set(options.runId, { graph: compiled, environment, counter, maxSteps, sideEffectStepFinished: () => durability?.finished() });
  const app = appFor(options.checkpointer);

  if (!options.resume) {
    options.onEvent({ type: "run-start", runId: options.runId, at: startedAt, inputs: options.inputs });
  }
  const config = {
    configurable: { thread_id: options.runId },
    recursionLimit: maxSteps * 2 + 10,
    signal,
    ...(options.checkpointer ? { durability: options.durabilityBarrier ? ("async" as const) : ("sync" as const) } : {}),
  };
  try {
    const final = !options.resume && compiled.sideEffects <= 1 ? await runDirectly(compiled, environment, maxSteps) : await app.invoke(options.resume ? null : {}, config);
    return finish(final, options, compiled, startedAt);
  } catch (error) {
    const elapsedMs = Date.now() - startedAt;
    if (signal.aborted) {
      const timedOut = timeLimit.aborted && !options.signal?.aborted;
      const message = timedOut ? `The run exceeded its time limit of ${maxDurationMs} ms.` : "The run was stopped.";
      if (timedOut) {
        options.onEvent({ type: "run-error", runId: options.runId, at: Date.now(), error: message, elapsedMs, totalSteps: counter.index, totalTokens });
        return { status: "failed", outputs: {}, error: message, totalSteps: counter.index, totalTokens, totalCost, elapsedMs };
      }
      options.onEvent({ type: "run-end", runId: options.runId, at: Date.now(), status: "stopped", outputs: {}, elapsedMs, totalSteps: counter.index, totalTokens });
      return { status: "stopped", outputs: {}, error: message, totalSteps: counter.index, totalTokens, totalCost, elapsedMs };
    }
    const message = error instanceof Error ? error.message : String(error);
    options.onEvent({ type: "run-error", runId: options.runId, at: Date.now(), error: message, elapsedMs, totalSteps: counter.index, totalTokens });
    return { status: "failed", outputs: {}, error: message, totalSteps: counter.index, totalTokens, totalCost, elapsedMs };
  } finally {
    durability?.close();
    activeRuns.delete(options.runId);
  }
}

/**
 * Runs a workflow with at most one node with side effects on the same scheduler, without LangGraph
 * (ADR 0019). With a single side effect, no checkpoint could ever spare a repeat: the run's only
 * checkpoint worth storing would record that one call, after which nothing remains that could repeat
 * it. A process that dies mid-run starts the run over, as it would from LangGraph's last checkpoint
 * (stored only before a second side effect). Measured, LangGraph's step machinery is most of what such
 * a run costs (about 9 ms of 19 ms of CPU per published-API call of start → llm → end).
 */
async function runDirectly(graph: CompiledGraph, environment: ExecutionEnvironment, maxSteps: number): Promise<RunStateValue> {
  const scope = { records: {} as NodeRecords };
  const step = await stepGraph(graph, scope, environment, { inlineImpure: true, budget: maxSteps });
  const failure = failureOf(step, step.executed >= maxSteps && hasWork(graph, scope.records), maxSteps);
  return { records: scope.records, pending: [], executed: step.executed, indexUsed: 0, failure };
}

/** What the LangGraph steps of a run in this process need; looked up by thread id so one compiled app serves every run. */
interface ActiveRun {
  graph: CompiledGraph;
  environment: ExecutionEnvironment;
  counter: { index: number };
  maxSteps: number;
  /** A step that ran a node with side effects is returning (see SideEffectDurability.finished). */
  sideEffectStepFinished: SideEffectDurability["finished"];
}

const activeRuns = new Map<string, ActiveRun>();

function activeRun(config: LangGraphRunnableConfig): ActiveRun {
  const threadId: unknown = config.configurable?.thread_id;
  const run = typeof threadId === "string" ? activeRuns.get(threadId) : undefined;
  if (!run) throw new Error(`No active run ${String(threadId)} in this process.`);
  return run;
}

/**
 * One LangGraph step: every ready pure node runs inline; when exactly one node with side effects is
 * ready, it runs here too, followed by the pure nodes it unblocks, so a chain of start → llm → end is
 * a single step. Two or more ready side effects go to execution slots of their own (each checkpointed
 * as it finishes, so a crash repeats none that finished); a side effect that becomes ready after this
 * step's own waits for the next step, so each step holds at most one unsecured side effect.
 */
async function advance(state: RunStateValue, config: LangGraphRunnableConfig): Promise<Partial<RunStateValue>> {
  if (state.failure) return { pending: [] };
  const run = activeRun(config);
  const { graph, environment, counter, maxSteps } = run;
  counter.index = Math.max(counter.index, state.indexUsed);
  const scope = { records: { ...state.records } };
  const budget = maxSteps - state.executed;
  let step: StepResult = await stepGraph(graph, scope, environment, { inlineImpure: false, budget });
  let executed = step.executed;
  const single = !step.failure && step.pending.length === 1 && executed < budget ? step.pending[0] : undefined;
  if (single) {
    const { entry, predecessorNodeId } = single;
    const record = await executeNode(entry, scope, environment, predecessorNodeId);
    scope.records[entry.node.id] = record;
    executed += 1;
    step =
      record.status === "failed"
        ? { pending: [], executed: 0, failure: nodeFailure(entry, record) }
        : await stepGraph(graph, scope, environment, { inlineImpure: false, budget: budget - executed });
    executed += step.executed;
  }
  const newRecords: NodeRecords = {};
  for (const [id, record] of Object.entries(scope.records)) if (state.records[id] !== record) newRecords[id] = record;
  const failure = failureOf(step, executed >= budget && hasWork(graph, scope.records), maxSteps);
  // One ready side effect runs in the next advance step (numbered when it runs); more go to slots,
  // numbered now so a resumed slot keeps its number. Beyond the slots, they wait for the next round.
  const ready = failure ? [] : step.pending.slice(0, MAX_PARALLEL_NODES);
  const pending = ready.map(({ entry, predecessorNodeId }) => ({ nodeId: entry.node.id, predecessorNodeId, index: ready.length > 1 ? environment.nextIndex() : 0 }));
  if (single) run.sideEffectStepFinished();
  return { records: newRecords, pending, executed, indexUsed: counter.index, failure };
}

/** Runs the pending node in one slot; slots are separate LangGraph tasks, so each one's result is checkpointed on its own. */
async function executeSlot(slot: number, state: RunStateValue, config: LangGraphRunnableConfig): Promise<Partial<RunStateValue>> {
  const task = state.pending[slot];
  if (!task) return {};
  const run = activeRun(config);
  const { graph, environment, counter } = run;
  const entry = graph.nodes.get(task.nodeId);
  if (!entry) throw new Error(`Unknown node ${task.nodeId}`);
  counter.index = Math.max(counter.index, task.index);
  const record: NodeRecord = await executeNode(entry, { records: { ...state.records } }, environment, task.predecessorNodeId, task.index);
  run.sideEffectStepFinished();
  return {
    records: { [task.nodeId]: record },
    executed: 1,
    indexUsed: counter.index,
    ...(record.status === "failed" ? { failure: { nodeId: task.nodeId, error: `${entry.node.title || task.nodeId}: ${record.error ?? "failed"}` } } : {}),
  };
}

/**
 * Node names of the execution slots. Plain parallel edges to fixed slots instead of `Send`: LangGraph
 * JS's `Send` costs about 5 ms per round trip on this machine, a plain edge well under 1 ms.
 */
const SLOTS = Array.from({ length: MAX_PARALLEL_NODES }, (_, slot) => `execute-${slot}`);

function buildApp(checkpointer: BaseCheckpointSaver | undefined) {
  const graph = new StateGraph(RunState).addNode("advance", advance) as unknown as StateGraph<typeof RunState.spec, RunStateValue, Partial<RunStateValue>, string>;
  SLOTS.forEach((name, slot) => graph.addNode(name, (state: RunStateValue, config: LangGraphRunnableConfig) => executeSlot(slot, state, config)));
  graph.addEdge(START, "advance");
  graph.addConditionalEdges(
    "advance",
    (state: RunStateValue) => (state.pending.length === 0 ? END : state.pending.length === 1 ? "advance" : SLOTS.slice(0, state.pending.length)),
    ["advance", ...SLOTS, END],
  );
  for (const name of SLOTS) graph.addEdge(name, "advance");
  return graph.compile(checkpointer ? { checkpointer } : {});
}

type RunApp = ReturnType<typeof buildApp>;
const NO_CHECKPOINTER = {};
const apps = new WeakMap<object, RunApp>();

/** The compiled LangGraph app is the same for every document: one per checkpointer, built once. */
function appFor(checkpointer: BaseCheckpointSaver | undefined): RunApp {
  const key = checkpointer ?? NO_CHECKPOINTER;
  let app = apps.get(key);
  if (!app) {
    app = buildApp(checkpointer);
    apps.set(key, app);
  }
  return app;
}

/** Totals come from the checkpointed records, so they include nodes that ran before a resume. */
function finish(state: RunStateValue, options: RunWorkflowOptions, graph: CompiledGraph, startedAt: number): RunOutcome {
  const elapsedMs = Date.now() - startedAt;
  const totalSteps = state.executed;
  const records = Object.values(state.records);
  const totalTokens = records.reduce((sum, record) => sum + (record.tokens ?? 0), 0);
  const totalCost = records.reduce((sum, record) => sum + (record.cost ?? 0), 0);
  if (state.failure) {
    options.onEvent({ type: "run-error", runId: options.runId, at: Date.now(), error: state.failure.error, ...(state.failure.nodeId ? { nodeId: state.failure.nodeId } : {}), elapsedMs, totalSteps, totalTokens });
    return { status: "failed", outputs: {}, error: state.failure.error, ...(state.failure.nodeId ? { failedNodeId: state.failure.nodeId } : {}), totalSteps, totalTokens, totalCost, elapsedMs };
  }
  const outputs = runOutputs(options.document, graph, state.records);
  options.onEvent({ type: "run-end", runId: options.runId, at: Date.now(), status: "succeeded", outputs, elapsedMs, totalSteps, totalTokens });
  return { status: "succeeded", outputs, totalSteps, totalTokens, totalCost, elapsedMs };
}

/** A workflow returns what its End node collected; a chatflow returns its answers joined. */
function runOutputs(document: WorkflowDocument, graph: CompiledGraph, records: NodeRecords): Record<string, unknown> {
  if (document.kind === "chatflow") {
    const answers = graph.order
      .filter((entry) => entry.node.type === "answer" && records[entry.node.id]?.status === "succeeded")
      .map((entry) => valueToText(records[entry.node.id]?.outputs.answer));
    return { answer: answers.join("") };
  }
  const end = graph.order.find((entry) => entry.node.type === "end" && records[entry.node.id]?.status === "succeeded");
  return end ? { ...records[end.node.id]?.outputs } : {};
}

/** What stops a run after a step: a node that failed, or the step limit reached with nodes left to run. */
function failureOf(step: StepResult, budgetSpentWithWorkLeft: boolean, maxSteps: number): Failure | null {
  if (step.failure) return { nodeId: step.failure.nodeId, error: `${step.failure.title}: ${step.failure.error}` };
  if (budgetSpentWithWorkLeft) return { nodeId: "", error: `The run reached its limit of ${maxSteps} steps. Raise settings.maxSteps if this is expected.` };
  return null;
}

function hasWork(graph: CompiledGraph, records: NodeRecords): boolean {
  return graph.order.some((entry) => !records[entry.node.id]);
}
