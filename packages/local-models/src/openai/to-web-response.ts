import type { OpenAiHttpResponse } from "./openai-response.ts";

/**
 * The answer as a standard `Response`, for route handlers built on the Fetch API (Next's app router).
 * A stream that the client cancels calls the events' `return()`, which aborts the generation.
 */
export function toWebResponse(response: OpenAiHttpResponse): Response {
  const init = { status: response.status, headers: response.headers };
  if (typeof response.body === "string") return new Response(response.body, init);
  return new Response(toByteStream(response.body), init);
}

/** A pull-based stream over the chunks (ReadableStream.from is not in the DOM typings the web app compiles with). */
function toByteStream(chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}
