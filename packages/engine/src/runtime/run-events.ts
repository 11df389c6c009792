import type { NodeUsage } from "./node-implementation.ts";

/** Events a run emits, named noun-verb. The published API maps them to Dify's SSE names. */
export type RunEvent =
  | { type: "run-start"; runId: string; at: number; inputs: Record<string, unknown> }
  | {
      type: "node-start";
      runId: string;
      at: number;
      nodeId: string;
      nodeType: string;
      title: string;
      index: number;
      predecessorNodeId: string | null;
      iterationIndex?: number;
      parentNodeId?: string;
    }
  | { type: "node-delta"; runId: string; at: number; nodeId: string; text: string }
  | {
      type: "node-end";
      runId: string;
      at: number;
      nodeId: string;
      nodeType: string;
      title: string;
      index: number;
      status: "succeeded" | "failed" | "exception";
      inputs: Record<string, unknown>;
      outputs: Record<string, unknown>;
      error?: string;
      branch?: string;
      attempt: number;
      elapsedMs: number;
      usage?: NodeUsage;
      iterationIndex?: number;
      parentNodeId?: string;
    }
  | {
      type: "run-end";
      runId: string;
      at: number;
      status: "succeeded" | "stopped";
      outputs: Record<string, unknown>;
      elapsedMs: number;
      totalSteps: number;
      totalTokens: number;
    }
  | { type: "run-error"; runId: string; at: number; error: string; nodeId?: string; elapsedMs: number; totalSteps: number; totalTokens: number };

export type RunEventType = RunEvent["type"];

/** Where the engine sends events: persistence and fan-out live behind it. Must not throw. */
export type RunEventSink = (event: RunEvent) => void;
