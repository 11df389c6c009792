import type { ResponsePlan } from "./plan-response.ts";
import { sseContentType, sseDone, sseEvent } from "./sse.ts";
import { splitArguments, splitIntoTokens } from "./tokens.ts";
import type { FramedStream } from "./write-stream.ts";

/** OpenAI response bodies and stream chunks for a planned reply. */

type ReplyPlan = Extract<ResponsePlan, { kind: "reply" }>;

/** Identity of one response: every chunk of a stream repeats it. */
export interface ResponseIdentity {
  id: string;
  created: number;
  model: string;
}

function usageOf(plan: ReplyPlan) {
  return {
    prompt_tokens: plan.promptTokens,
    completion_tokens: plan.completionTokens,
    total_tokens: plan.promptTokens + plan.completionTokens,
  };
}

export function openAiErrorBody(status: number, message: string, code: string): string {
  const type = status === 429 ? "rate_limit_error" : status >= 500 ? "server_error" : "invalid_request_error";
  return JSON.stringify({ error: { message, type, param: null, code } });
}

/** A blocking `chat.completion`. */
export function chatCompletionBody(identity: ResponseIdentity, plan: ReplyPlan): string {
  const hasToolCalls = plan.toolCalls.length > 0;
  const message: Record<string, unknown> = {
    role: "assistant",
    content: hasToolCalls && plan.text === "" ? null : plan.text,
    refusal: null,
  };
  if (hasToolCalls) {
    message.tool_calls = plan.toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.argumentsJson },
    }));
  }
  return JSON.stringify({
    id: identity.id,
    object: "chat.completion",
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finishReason }],
    usage: usageOf(plan),
  });
}

/**
 * A streamed chat completion: the role delta, content deltas one per word, tool call deltas in OpenAI's
 * incremental form (id and name first, then the arguments in pieces), the finish chunk, the usage chunk
 * when asked for, then `[DONE]`.
 */
export function chatCompletionStream(identity: ResponseIdentity, plan: ReplyPlan, includeUsage: boolean): FramedStream {
  // Every chunk shares its envelope; only the delta differs, so the envelope is serialised once.
  const envelope = `{"id":${JSON.stringify(identity.id)},"object":"chat.completion.chunk","created":${identity.created},"model":${JSON.stringify(identity.model)},"choices":[{"index":0,"delta":`;
  const chunk = (delta: string, finishReason: string | null = null) =>
    sseEvent(`${envelope}${delta},"logprobs":null,"finish_reason":${finishReason === null ? "null" : `"${finishReason}"`}}]}`);
  const tokens: string[] = [];
  for (const token of splitIntoTokens(plan.text)) tokens.push(chunk(`{"content":${JSON.stringify(token)}}`));
  plan.toolCalls.forEach((call, index) => {
    const opening = { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } };
    tokens.push(chunk(JSON.stringify({ tool_calls: [opening] })));
    for (const piece of splitArguments(call.argumentsJson)) {
      tokens.push(chunk(JSON.stringify({ tool_calls: [{ index, function: { arguments: piece } }] })));
    }
  });
  return {
    contentType: sseContentType,
    head: chunk('{"role":"assistant","content":""}'),
    tokens,
    tail: () => {
      let tail = chunk("{}", plan.finishReason);
      if (includeUsage) {
        const usage = { id: identity.id, object: "chat.completion.chunk", created: identity.created, model: identity.model, choices: [], usage: usageOf(plan) };
        tail += sseEvent(JSON.stringify(usage));
      }
      return tail + sseDone;
    },
  };
}

/** A blocking legacy `text_completion`. */
export function textCompletionBody(identity: ResponseIdentity, plan: ReplyPlan): string {
  return JSON.stringify({
    id: identity.id,
    object: "text_completion",
    created: identity.created,
    model: identity.model,
    choices: [{ text: plan.text, index: 0, logprobs: null, finish_reason: plan.finishReason }],
    usage: usageOf(plan),
  });
}

/** A streamed legacy text completion, one chunk per word. */
export function textCompletionStream(identity: ResponseIdentity, plan: ReplyPlan, includeUsage: boolean): FramedStream {
  const envelope = `{"id":${JSON.stringify(identity.id)},"object":"text_completion","created":${identity.created},"model":${JSON.stringify(identity.model)},"choices":[{"text":`;
  const chunk = (text: string, finishReason: string | null = null) =>
    sseEvent(`${envelope}${JSON.stringify(text)},"index":0,"logprobs":null,"finish_reason":${finishReason === null ? "null" : `"${finishReason}"`}}]}`);
  return {
    contentType: sseContentType,
    head: "",
    tokens: splitIntoTokens(plan.text).map((token) => chunk(token)),
    tail: () => {
      let tail = chunk("", plan.finishReason);
      if (includeUsage) {
        const usage = { id: identity.id, object: "text_completion", created: identity.created, model: identity.model, choices: [], usage: usageOf(plan) };
        tail += sseEvent(JSON.stringify(usage));
      }
      return tail + sseDone;
    },
  };
}
