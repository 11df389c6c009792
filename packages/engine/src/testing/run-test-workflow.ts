import type { BaseCheckpointSaver } from "@langchain/langgraph";
import type { RunEvent } from "../runtime/run-events.ts";
import { runWorkflow, type RunOutcome } from "../runtime/run-workflow.ts";
import type { WorkflowDocument } from "../schema/workflow-document.ts";
import { validDocument, type RawDocument } from "./test-documents.ts";
import { createTestCatalog, throwingServices, type ProbeRecorder, type TestCatalog } from "./test-nodes.ts";

export interface TestRun {
  outcome: RunOutcome;
  events: RunEvent[];
  recorder: ProbeRecorder;
  document: WorkflowDocument;
  /** performance.now() at the end minus at the start. */
  elapsedMs: number;
}

export interface TestRunOptions {
  /** The catalog (and recorder) to use; a fresh one by default. Pass the same one to resume a run. */
  test?: TestCatalog;
  /** An already validated document (to run the same one twice). */
  document?: WorkflowDocument;
  inputs?: Record<string, unknown>;
  system?: Record<string, unknown>;
  signal?: AbortSignal;
  checkpointer?: BaseCheckpointSaver;
  /** With a checkpointer: LangGraph's "async" durability, this awaited when a side effect must be secured. */
  durabilityBarrier?: () => Promise<void>;
  resume?: boolean;
  runId?: string;
  /** Sees each event as it is emitted (to abort mid-run). */
  onEvent?: (event: RunEvent) => void;
}

/** Validates `raw` against the test registry (so it must be valid), runs it with the test catalog and collects the events. */
export async function runTestWorkflow(raw: RawDocument | null, options: TestRunOptions = {}): Promise<TestRun> {
  const test = options.test ?? createTestCatalog();
  const document = options.document ?? validDocument(raw as RawDocument, test.registry);
  const events: RunEvent[] = [];
  const startedAt = performance.now();
  const outcome = await runWorkflow({
    runId: options.runId ?? "run-1",
    document,
    inputs: options.inputs ?? {},
    ...(options.system ? { system: options.system } : {}),
    services: throwingServices(),
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.checkpointer ? { checkpointer: options.checkpointer } : {}),
    ...(options.durabilityBarrier ? { durabilityBarrier: options.durabilityBarrier } : {}),
    ...(options.resume ? { resume: true } : {}),
    catalog: test.catalog,
  });
  return { outcome, events, recorder: test.recorder, document, elapsedMs: performance.now() - startedAt };
}

type EventOf<T extends RunEvent["type"]> = Extract<RunEvent, { type: T }>;

export function eventsOf<T extends RunEvent["type"]>(events: readonly RunEvent[], type: T): Array<EventOf<T>> {
  return events.filter((event): event is EventOf<T> => event.type === type);
}

/** Node ids in the order their node-start events came. */
export function startedNodes(events: readonly RunEvent[]): string[] {
  return eventsOf(events, "node-start").map((event) => event.nodeId);
}

/** The node-end event of a node (the last one, when it ran more than once). */
export function nodeEnd(events: readonly RunEvent[], nodeId: string): EventOf<"node-end"> | undefined {
  return eventsOf(events, "node-end").filter((event) => event.nodeId === nodeId).at(-1);
}
