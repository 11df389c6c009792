import type { LocalGenerationResult } from "../local-model-runtime.ts";
import { errorResponse, errorToOpenAi, sseDone, sseEvent, sseHeaders, type OpenAiHttpResponse } from "./openai-response.ts";
import { createTextChannel } from "./text-channel.ts";

export interface StreamGenerationOptions {
  /** Starts the generation; `onToken` feeds the stream and `signal` stops it when the client goes away. */
  start(onToken: (text: string) => void, signal: AbortSignal): Promise<LocalGenerationResult>;
  /** The HTTP request's own signal, when the server has one. */
  requestSignal?: AbortSignal;
  /** Events before any text (the assistant role chunk). */
  openingEvents: unknown[];
  textEvent(text: string): unknown;
  closingEvents(result: LocalGenerationResult): unknown[];
}

type Outcome = { ok: true; result: LocalGenerationResult } | { ok: false; error: unknown };

/**
 * Server-sent events for one generation, ending with `data: [DONE]`. The response is returned only
 * once the first text arrives (or the generation ends), so an unknown model, a failed load or an
 * overlong prompt still gets a proper HTTP error status instead of an error inside a 200 stream.
 * A consumer that stops reading aborts the generation, which frees the model for the next request.
 */
export async function streamGeneration(options: StreamGenerationOptions): Promise<OpenAiHttpResponse> {
  const controller = new AbortController();
  const { requestSignal } = options;
  const onRequestAbort = (): void => controller.abort(requestSignal?.reason);
  if (requestSignal?.aborted) onRequestAbort();
  else requestSignal?.addEventListener("abort", onRequestAbort, { once: true });

  const channel = createTextChannel();
  let outcome: Outcome | undefined;
  const settled = options
    .start((text) => channel.push(text), controller.signal)
    .then(
      (result) => {
        outcome = { ok: true, result };
      },
      (error: unknown) => {
        outcome = { ok: false, error };
      },
    )
    .finally(() => channel.close());

  const texts = channel[Symbol.asyncIterator]();
  const first = await texts.next();
  if (first.done === true && outcome?.ok === false) {
    requestSignal?.removeEventListener("abort", onRequestAbort);
    return errorResponse(outcome.error);
  }

  async function* events(): AsyncGenerator<string> {
    let finished = false;
    try {
      for (const event of options.openingEvents) yield sseEvent(event);
      if (first.done !== true) {
        yield sseEvent(options.textEvent(first.value));
        for (let next = await texts.next(); next.done !== true; next = await texts.next()) {
          yield sseEvent(options.textEvent(next.value));
        }
      }
      await settled;
      if (outcome?.ok === true) {
        for (const event of options.closingEvents(outcome.result)) yield sseEvent(event);
      } else {
        // Headers are gone already: OpenAI's clients read an `error` event as a failed request.
        yield sseEvent(errorToOpenAi(outcome?.error).body);
      }
      finished = true;
      yield sseDone;
    } finally {
      if (!finished) controller.abort(new Error("The client stopped reading the stream."));
      requestSignal?.removeEventListener("abort", onRequestAbort);
      await settled;
    }
  }

  return { status: 200, headers: { ...sseHeaders }, body: events() };
}
