/** Server-sent events framing, as OpenAI streams: one `data:` line per JSON chunk, then `[DONE]`. */

export const sseContentType = "text/event-stream";

/** Frames an already serialised JSON chunk as an SSE event. */
export function sseEvent(json: string): string {
  return `data: ${json}\n\n`;
}

export const sseDone = "data: [DONE]\n\n";
