import type { ResponsePlan } from "./plan-response.ts";
import { splitIntoTokens } from "./tokens.ts";
import type { FramedStream } from "./write-stream.ts";

/** Ollama response bodies and NDJSON stream lines for a planned reply, for `/api/chat` and `/api/generate`. */

type ReplyPlan = Extract<ResponsePlan, { kind: "reply" }>;

export type OllamaGenerationKind = "chat" | "generate";

export const ndjsonContentType = "application/x-ndjson";

function toolCallsOf(plan: ReplyPlan) {
  return plan.toolCalls.map((call, index) => ({
    id: call.id,
    function: { index, name: call.name, arguments: call.arguments },
  }));
}

/** The final object's counts and timings (nanoseconds, as Ollama reports them). */
function finalStats(plan: ReplyPlan, receivedAt: number) {
  const totalNs = Math.max(1_000, Math.round((Date.now() - receivedAt) * 1e6));
  const evalNs = Number.isFinite(plan.tokensPerSecond)
    ? Math.round((plan.completionTokens / plan.tokensPerSecond) * 1e9)
    : Math.max(1, Math.round(totalNs / 2));
  return {
    total_duration: totalNs,
    load_duration: 0,
    prompt_eval_count: plan.promptTokens,
    prompt_eval_duration: Math.max(1, totalNs - evalNs),
    eval_count: plan.completionTokens,
    eval_duration: Math.max(1, evalNs),
  };
}

function body(kind: OllamaGenerationKind, text: string, toolCalls: ReturnType<typeof toolCallsOf> | undefined) {
  if (kind === "generate") return { response: text };
  const message: Record<string, unknown> = { role: "assistant", content: text };
  if (toolCalls !== undefined && toolCalls.length > 0) message.tool_calls = toolCalls;
  return { message };
}

/** A blocking (`stream: false`) reply. */
export function ollamaReplyBody(kind: OllamaGenerationKind, model: string, plan: ReplyPlan, receivedAt: number): string {
  return JSON.stringify({
    model,
    created_at: new Date().toISOString(),
    ...body(kind, plan.text, toolCallsOf(plan)),
    done: true,
    done_reason: plan.finishReason === "length" ? "length" : "stop",
    ...finalStats(plan, receivedAt),
  });
}

/**
 * A streamed reply as NDJSON: one line per word with `done: false`, the tool calls in one line (as
 * Ollama sends them, whole), then the final `done: true` line with counts and timings.
 */
export function ollamaReplyStream(kind: OllamaGenerationKind, model: string, plan: ReplyPlan, receivedAt: number): FramedStream {
  const createdAt = new Date().toISOString();
  const prefix = `{"model":${JSON.stringify(model)},"created_at":"${createdAt}",`;
  const line = (text: string, toolCalls?: ReturnType<typeof toolCallsOf>) =>
    `${prefix}${JSON.stringify(body(kind, text, toolCalls)).slice(1, -1)},"done":false}\n`;
  const tokens = splitIntoTokens(plan.text).map((token) => line(token));
  if (plan.toolCalls.length > 0) tokens.push(line("", toolCallsOf(plan)));
  return {
    contentType: ndjsonContentType,
    head: "",
    tokens,
    tail: () =>
      `${JSON.stringify({
        model,
        created_at: new Date().toISOString(),
        ...body(kind, "", undefined),
        done: true,
        done_reason: plan.finishReason === "length" ? "length" : "stop",
        ...finalStats(plan, receivedAt),
      })}\n`,
  };
}

export function ollamaErrorBody(message: string): string {
  return JSON.stringify({ error: message });
}
