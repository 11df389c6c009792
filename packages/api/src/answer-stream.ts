import type { RunEvent, WorkflowDocument } from "@tandem/engine";

const SINGLE_REFERENCE = /^\s*\{\{#([A-Za-z0-9_-]+)\.([A-Za-z0-9_.-]+)#\}\}\s*$/;

/**
 * Which nodes' streamed text is the app's answer, so a client sees tokens as the model writes them:
 * in a workflow, LLM nodes whose `text` an end output takes; in a chatflow, the answer nodes, except
 * that an answer that is exactly one LLM node's text streams that LLM's tokens instead of arriving whole.
 */
export function answerStreamNodes(document: WorkflowDocument): Set<string> {
  const nodes = new Map(document.graph.nodes.map((node) => [node.id, node]));
  const streamed = new Set<string>();
  for (const node of document.graph.nodes) {
    if (document.kind === "workflow" && node.type === "end") {
      const outputs = (node.config as { outputs?: Array<{ selector?: unknown }> }).outputs ?? [];
      for (const output of outputs) {
        const selector = Array.isArray(output.selector) ? output.selector : [];
        if (selector.length === 2 && selector[1] === "text" && nodes.get(String(selector[0]))?.type === "llm") streamed.add(String(selector[0]));
      }
    }
    if (document.kind === "chatflow" && node.type === "answer") {
      const template = (node.config as { answer?: unknown }).answer;
      const single = typeof template === "string" ? SINGLE_REFERENCE.exec(template) : null;
      if (single && single[2] === "text" && nodes.get(single[1] ?? "")?.type === "llm") streamed.add(single[1] ?? "");
      else streamed.add(node.id);
    }
  }
  return streamed;
}

export interface RunTally {
  promptTokens: number;
  completionTokens: number;
  totalPrice: number;
  /** Knowledge hits of the run's retrieval nodes, Dify's retriever_resources. */
  retrieverResources: Array<Record<string, unknown>>;
  /** The answer text streamed so far. */
  streamedAnswer: string;
}

export function createRunTally(): RunTally {
  return { promptTokens: 0, completionTokens: 0, totalPrice: 0, retrieverResources: [], streamedAnswer: "" };
}

/** Adds one event to the tally: usage of finished nodes and their knowledge hits. */
export function tallyEvent(tally: RunTally, event: RunEvent): void {
  if (event.type !== "node-end") return;
  tally.promptTokens += event.usage?.tokensIn ?? 0;
  tally.completionTokens += event.usage?.tokensOut ?? 0;
  tally.totalPrice += event.usage?.cost ?? 0;
  if (event.nodeType === "knowledge-retrieval" && Array.isArray(event.outputs.result)) {
    for (const item of event.outputs.result as Array<{ content?: string; metadata?: Record<string, unknown> }>) {
      const metadata = item.metadata ?? {};
      tally.retrieverResources.push({
        position: tally.retrieverResources.length + 1,
        dataset_id: metadata.dataset_id,
        dataset_name: metadata.dataset_name,
        document_id: metadata.document_id,
        document_name: metadata.document_name,
        segment_id: metadata.segment_id,
        score: metadata.score,
        content: item.content ?? "",
      });
    }
  }
}

/**
 * The answer of a finished run as one text: a chatflow's `answer`; a workflow's only text output, or
 * its `answer`/`text`/`output`/`result`, or else its outputs as JSON.
 */
export function answerText(kind: WorkflowDocument["kind"], outputs: Record<string, unknown> | null | undefined): string {
  const values = outputs ?? {};
  if (kind === "chatflow" && typeof values.answer === "string") return values.answer;
  for (const name of ["answer", "text", "output", "result"]) if (typeof values[name] === "string") return values[name];
  const entries = Object.values(values);
  if (entries.length === 1 && typeof entries[0] === "string") return entries[0];
  return entries.length === 0 ? "" : JSON.stringify(values);
}

/** Usage as Dify and OpenAI report it. */
export function usageOf(tally: RunTally, totalTokens?: number) {
  const total = totalTokens ?? tally.promptTokens + tally.completionTokens;
  return {
    prompt_tokens: tally.promptTokens,
    completion_tokens: tally.completionTokens,
    total_tokens: Math.max(total, tally.promptTokens + tally.completionTokens),
    total_price: tally.totalPrice.toFixed(7),
    currency: "USD",
  };
}
