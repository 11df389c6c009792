import type { ModelRequest } from "./model-request.ts";
import type { ScriptedReply, ScriptedUsage } from "./rules.ts";
import { countWords, splitIntoTokens } from "./tokens.ts";

export interface PlannedToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  argumentsJson: string;
}

export type FinishReason = "stop" | "tool_calls" | "length";

/** What the server will answer, independent of protocol: each protocol only formats it. */
export type ResponsePlan =
  | {
      kind: "error";
      status: number;
      message: string;
      /** OpenAI's error `code`. */
      code: string;
      retryAfterS?: number;
      delayMs: number;
      ruleId?: string;
    }
  | {
      kind: "reply";
      text: string;
      toolCalls: PlannedToolCall[];
      finishReason: FinishReason;
      promptTokens: number;
      completionTokens: number;
      /** The pace of this reply: the server's, or a slow-stream rule's own. */
      tokensPerSecond: number;
      delayMs: number;
      ruleId?: string;
    };

export interface PlanOptions {
  tokensPerSecond: number;
  ruleId?: string;
  /** Makes a tool call id; ids are unique per server. */
  toolCallId: (index: number) => string;
}

/** Turns the matched rule's reply (or the default, when none matched) into a response plan. */
export function planResponse(request: ModelRequest, reply: ScriptedReply | undefined, options: PlanOptions): ResponsePlan {
  let delayMs = 0;
  let current = reply;
  while (current?.type === "delay") {
    delayMs += current.ms;
    current = current.then;
  }
  const ruleId = options.ruleId;
  if (current?.type === "error") {
    const code = current.status === 429 ? "rate_limit_exceeded" : current.status >= 500 ? "server_error" : "invalid_request_error";
    return { kind: "error", status: current.status, message: current.message, code, retryAfterS: current.retryAfterS, delayMs, ruleId };
  }
  let text: string;
  let toolCalls: PlannedToolCall[] = [];
  let tokensPerSecond = options.tokensPerSecond;
  let usage: ScriptedUsage | undefined;
  switch (current?.type) {
    case undefined:
      text = `Scripted reply to: ${request.prompt}`;
      break;
    case "echo":
      text = request.prompt;
      break;
    case "text":
      text = current.text;
      usage = current.usage;
      break;
    case "json":
      text = JSON.stringify(current.value) ?? "null";
      usage = current.usage;
      break;
    case "slow-stream":
      text = current.text;
      tokensPerSecond = current.tokensPerSecond;
      break;
    case "tool-call":
      text = current.text ?? "";
      usage = current.usage;
      toolCalls = current.calls.map((call, index) => ({
        id: options.toolCallId(index),
        name: call.name,
        arguments: call.arguments,
        argumentsJson: JSON.stringify(call.arguments),
      }));
      break;
  }
  let finishReason: FinishReason = toolCalls.length > 0 ? "tool_calls" : "stop";
  let completionTokens = usage?.completion_tokens;
  if (request.maxTokens !== undefined && toolCalls.length === 0 && usage === undefined) {
    const tokens = splitIntoTokens(text);
    if (tokens.length > request.maxTokens) {
      text = tokens.slice(0, request.maxTokens).join("");
      finishReason = "length";
      completionTokens = Math.max(request.maxTokens, 1);
    }
  }
  if (completionTokens === undefined) {
    completionTokens = countWords(text);
    for (const call of toolCalls) completionTokens += countWords(call.argumentsJson);
  }
  return {
    kind: "reply",
    text,
    toolCalls,
    finishReason,
    promptTokens: usage?.prompt_tokens ?? countWords(request.promptText),
    completionTokens,
    tokensPerSecond,
    delayMs,
    ruleId,
  };
}
