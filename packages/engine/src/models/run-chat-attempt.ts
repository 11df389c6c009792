import type { AIMessageChunk } from "@langchain/core/messages";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { untilAborted } from "../util/abort-error.ts";
import { countTokens } from "./count-tokens.ts";
import { createChatRunnable, textOf, type ChatModelCache } from "./create-chat-model.ts";
import type { ModelCandidate } from "./resolve-model-chain.ts";
import { flattenForLocalRuntime, promptText, toLangChainMessages, withJsonInstruction } from "./to-langchain-messages.ts";
import type { ChatRequest, ChatResult, ToolCall } from "../ports/model-gateway.ts";
import type { LocalModelRuntime } from "../ports/local-model-runtime.ts";

/** What one model produced, before the gateway adds cost and routing. */
export interface AttemptOutcome {
  text: string;
  toolCalls: ToolCall[];
  finishReason: ChatResult["finishReason"];
  tokensIn: number;
  tokensOut: number;
  timeToFirstTokenMs?: number;
  tokensPerSecond?: number;
  latencyMs: number;
}

export interface AttemptInput {
  candidate: ModelCandidate;
  request: ChatRequest;
  /** The request's signal combined with this attempt's timeout. */
  signal: AbortSignal;
  timeoutMs?: number;
  localRuntime?: LocalModelRuntime;
  /** The gateway's chat models, reused across calls. */
  chatModels?: ChatModelCache;
}

/** An answer that came back but cannot be used (e.g. tool arguments that are not JSON): the gateway falls back. */
export class InvalidOutputError extends Error {
  override readonly name = "InvalidOutputError";
}

/**
 * Calls one model once. Settles as soon as `signal` aborts, even when a client keeps waiting on its
 * socket, and never forwards deltas after that: a later candidate may already be streaming.
 */
export function runChatAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const run = input.candidate.provider.kind === "local" ? runLocalAttempt(input) : outsideRunContext(() => runLangChainAttempt(input));
  return untilAborted(run, input.signal);
}

/**
 * Runs a model call outside the LangChain run context it was made in (a LangGraph step of the
 * workflow). Inside it, the chat model would inherit the step's callbacks (LangGraph's stream
 * handlers, a LangSmith run tree) and report to them, costing about a millisecond per call for events
 * nobody reads: Tandem records each call's usage itself, and streams tokens through `onDelta`.
 */
function outsideRunContext<T>(call: () => Promise<T>): Promise<T> {
  // The storage LangChain installs is Node's AsyncLocalStorage; its interface type omits run's return value.
  const storage = AsyncLocalStorageProviderSingleton.getInstance() as unknown as { run<R>(store: unknown, callback: () => R): R };
  return storage.run(undefined, call);
}

async function runLangChainAttempt({ candidate, request, signal, timeoutMs, chatModels }: AttemptInput): Promise<AttemptOutcome> {
  const { selection } = request;
  const runnable = createChatRunnable(
    candidate.provider,
    candidate.model,
    { temperature: selection.temperature, maxTokens: selection.maxTokens, topP: selection.topP, timeoutMs, signal },
    request,
    chatModels,
  );
  const messages = withJsonInstruction(request.messages, request.responseFormat);
  const input = toLangChainMessages(messages);
  const started = performance.now();
  let firstTokenAt: number | undefined;
  let message: AIMessageChunk | undefined;
  const onDelta = request.onDelta;
  if (onDelta === undefined) {
    message = await runnable.invoke(input, { signal });
  } else {
    const stream = await runnable.stream(input, { signal });
    for await (const chunk of stream) {
      if (signal.aborted) break;
      const text = textOf(chunk.content);
      if (firstTokenAt === undefined && (text.length > 0 || (chunk.tool_call_chunks?.length ?? 0) > 0)) firstTokenAt = performance.now();
      if (text.length > 0) onDelta(text);
      message = message === undefined ? chunk : message.concat(chunk);
    }
    signal.throwIfAborted();
  }
  const finished = performance.now();
  if (message === undefined) throw new InvalidOutputError("the model returned nothing");

  const toolCalls = readToolCalls(message);
  const text = textOf(message.content);
  const reported = message.usage_metadata;
  const hasUsage = reported !== undefined && reported.input_tokens + reported.output_tokens > 0;
  const tokensIn = hasUsage ? reported.input_tokens : countTokens(promptText(messages));
  const tokensOut = hasUsage ? reported.output_tokens : countTokens(text + (toolCalls.length > 0 ? JSON.stringify(toolCalls) : ""));
  return {
    text,
    toolCalls,
    finishReason: readFinishReason(message.response_metadata, toolCalls.length > 0),
    tokensIn,
    tokensOut,
    ...timing(started, firstTokenAt, finished, tokensOut),
  };
}

async function runLocalAttempt({ candidate, request, signal, localRuntime }: AttemptInput): Promise<AttemptOutcome> {
  if (localRuntime === undefined) throw new Error(`Provider "${candidate.provider.name}" runs models inside Tandem, but no local runtime is available in this process.`);
  if ((request.tools?.length ?? 0) > 0) throw new Error("The embedded runtime has no native tool calling (the node should use its ReAct prompt).");
  const { selection, onDelta } = request;
  const messages = withJsonInstruction(request.messages, request.responseFormat);
  const started = performance.now();
  let firstTokenAt: number | undefined;
  const result = await localRuntime.chat({
    model: candidate.model,
    messages: flattenForLocalRuntime(messages),
    maxTokens: selection.maxTokens,
    temperature: selection.temperature,
    topP: selection.topP,
    signal,
    responseFormat: request.responseFormat,
    onToken:
      onDelta === undefined
        ? undefined
        : (text) => {
            if (signal.aborted) return;
            firstTokenAt ??= performance.now();
            onDelta(text);
          },
  });
  const finished = performance.now();
  const { usage } = result;
  const tokensIn = usage.tokensIn > 0 ? usage.tokensIn : countTokens(promptText(messages));
  const tokensOut = usage.tokensOut > 0 ? usage.tokensOut : countTokens(result.text);
  const measured = timing(started, firstTokenAt, finished, tokensOut);
  return {
    text: result.text,
    toolCalls: [],
    finishReason: result.finishReason ?? "stop",
    tokensIn,
    tokensOut,
    latencyMs: usage.latencyMs > 0 ? usage.latencyMs : measured.latencyMs,
    timeToFirstTokenMs: usage.timeToFirstTokenMs ?? measured.timeToFirstTokenMs,
    tokensPerSecond: usage.tokensPerSecond ?? measured.tokensPerSecond,
  };
}

/**
 * Latency, time to first token and generation speed. Unstreamed answers arrive whole, so their first
 * token is the latency and their speed is tokens over the whole call (prompt processing included).
 */
function timing(started: number, firstTokenAt: number | undefined, finished: number, tokensOut: number) {
  const latencyMs = Math.round(finished - started);
  const first = firstTokenAt ?? finished;
  const generationMs = finished - first >= 1 ? finished - first : finished - started;
  return {
    latencyMs,
    timeToFirstTokenMs: Math.round(first - started),
    tokensPerSecond: generationMs > 0 && tokensOut > 0 ? Math.round((tokensOut / generationMs) * 1000 * 10) / 10 : undefined,
  };
}

function readToolCalls(message: AIMessageChunk): ToolCall[] {
  const invalid = message.invalid_tool_calls ?? [];
  if (invalid.length > 0 && (message.tool_calls?.length ?? 0) === 0) {
    throw new InvalidOutputError(`tool call ${invalid[0]?.name ?? ""} has arguments that are not valid JSON`);
  }
  return (message.tool_calls ?? []).map((call, index) => ({
    id: call.id ?? `call_${index}`,
    name: call.name,
    arguments: call.args,
  }));
}

function readFinishReason(metadata: Record<string, unknown>, hasToolCalls: boolean): ChatResult["finishReason"] {
  if (hasToolCalls) return "tool_calls";
  const reason = metadata.finish_reason ?? metadata.done_reason ?? metadata.stop_reason;
  if (reason === undefined || reason === null || reason === "stop" || reason === "end_turn" || reason === "stop_sequence") return "stop";
  if (reason === "length" || reason === "max_tokens") return "length";
  if (reason === "tool_calls" || reason === "tool_use") return "tool_calls";
  return "other";
}
