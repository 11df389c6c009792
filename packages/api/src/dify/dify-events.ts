import type { RunEvent } from "@tandem/engine";
import type { PublishedApp } from "@tandem/runner";
import { usageOf, type RunTally } from "../answer-stream.ts";

const seconds = (at: number) => Math.floor(at / 1000);

export interface DifyStreamContext {
  runId: string;
  app: PublishedApp;
  /** Node ids whose deltas are the answer (see answerStreamNodes). */
  answerNodes: ReadonlySet<string>;
  tally: RunTally;
  /** Chatflow: the conversation, and the message id (the run id). */
  conversationId: string | null;
  createdAt: number;
}

/** What node_started and node_finished both say of a node execution. */
function nodeFields(runId: string, event: Extract<RunEvent, { type: "node-start" | "node-end" }>) {
  return {
    id: `${runId}:${event.nodeId}:${event.index}`,
    node_id: event.nodeId,
    node_type: event.nodeType,
    title: event.title,
    index: event.index,
    ...(event.iterationIndex === undefined ? {} : { iteration_index: event.iterationIndex, iteration_id: event.parentNodeId }),
  };
}

/** The blocking reply's `data` and `workflow_finished`'s, from the run's last event. */
export function finishedData(context: DifyStreamContext, event: Extract<RunEvent, { type: "run-end" | "run-error" }>) {
  return {
    id: context.runId,
    workflow_id: context.app.versionId,
    status: event.type === "run-error" ? "failed" : event.status,
    outputs: event.type === "run-end" ? event.outputs : {},
    error: event.type === "run-error" ? event.error : null,
    elapsed_time: event.elapsedMs / 1000,
    total_tokens: event.totalTokens,
    total_steps: event.totalSteps,
    created_at: seconds(context.createdAt),
    finished_at: seconds(event.at),
  };
}

/**
 * One engine event as the Dify SSE events it stands for (none, one, or two at the end of a chat). Workflow
 * and node events carry `task_id` and `workflow_run_id` with the payload under `data`; chat text is
 * `message` events with the answer piece.
 */
export function difyEventsFor(context: DifyStreamContext, event: RunEvent): Array<Record<string, unknown>> {
  const base = { task_id: context.runId, workflow_run_id: context.runId };
  const chat = context.app.kind === "chatflow";
  const chatFields = chat ? { message_id: context.runId, conversation_id: context.conversationId } : {};
  switch (event.type) {
    case "run-start":
      return [{ event: "workflow_started", ...base, ...chatFields, data: { id: context.runId, workflow_id: context.app.versionId, inputs: event.inputs, created_at: seconds(event.at) } }];
    case "node-start":
      return [
        {
          event: "node_started",
          ...base,
          data: { ...nodeFields(context.runId, event), predecessor_node_id: event.predecessorNodeId, inputs: null, created_at: seconds(event.at) },
        },
      ];
    case "node-delta":
      if (!context.answerNodes.has(event.nodeId)) return [];
      context.tally.streamedAnswer += event.text;
      return chat
        ? [{ event: "message", ...base, id: context.runId, ...chatFields, answer: event.text, created_at: seconds(event.at) }]
        : [{ event: "text_chunk", ...base, data: { text: event.text, from_variable_selector: [event.nodeId, "text"] } }];
    case "node-end":
      return [
        {
          event: "node_finished",
          ...base,
          data: {
            ...nodeFields(context.runId, event),
            predecessor_node_id: null,
            inputs: event.inputs,
            outputs: event.outputs,
            status: event.status === "exception" ? "exception" : event.status,
            error: event.error ?? null,
            elapsed_time: event.elapsedMs / 1000,
            execution_metadata: {
              total_tokens: (event.usage?.tokensIn ?? 0) + (event.usage?.tokensOut ?? 0),
              total_price: (event.usage?.cost ?? 0).toFixed(7),
              currency: "USD",
            },
            created_at: seconds(event.at - event.elapsedMs),
            finished_at: seconds(event.at),
          },
        },
      ];
    case "run-end":
    case "run-error": {
      const finished = { event: "workflow_finished", ...base, ...chatFields, data: finishedData(context, event) };
      if (!chat) return [finished];
      return [
        finished,
        {
          event: "message_end",
          ...base,
          id: context.runId,
          ...chatFields,
          metadata: { usage: usageOf(context.tally, event.totalTokens), retriever_resources: context.tally.retrieverResources },
        },
      ];
    }
  }
}
