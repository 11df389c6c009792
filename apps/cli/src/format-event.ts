import type { RunEvent } from "@tandem/engine";

const MAX_PREVIEW = 200;

/** One readable line per event (null for events not worth a line). */
export function formatEvent(event: RunEvent): string | null {
  switch (event.type) {
    case "run-start":
      return `▶ run ${event.runId} started`;
    case "node-start":
      return null;
    case "node-delta":
      return `    ${event.nodeId} ▸ ${event.text}`;
    case "node-end": {
      const indent = event.iterationIndex === undefined ? "  " : `    [${event.iterationIndex}] `;
      const outcome = event.status === "succeeded" ? "✓" : event.status === "exception" ? "!" : "✗";
      const detail = event.error ? `: ${event.error}` : ` → ${preview(event.outputs)}`;
      return `${indent}${outcome} ${event.title || event.nodeId} (${event.nodeType}) ${event.elapsedMs} ms${detail}`;
    }
    case "run-end":
      return `■ run ${event.status} in ${event.elapsedMs} ms, ${event.totalSteps} steps → ${preview(event.outputs)}`;
    case "run-error":
      return `✗ run failed after ${event.elapsedMs} ms: ${event.error}`;
  }
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? "";
  return text.length > MAX_PREVIEW ? `${text.slice(0, MAX_PREVIEW)}…` : text;
}
