import type { ServerResponse } from "node:http";
import type { PauseSet } from "./pause-set.ts";

/** A framed streaming response: `head` at once, each of `tokens` paced, then `tail()` at once. */
export interface FramedStream {
  contentType: string;
  head: string;
  tokens: readonly string[];
  /** Built only when the tokens are out, so it can report timings. */
  tail: () => string;
}

/**
 * Writes a stream, pacing the token frames at `tokensPerSecond`. With no pacing it is one write, the
 * cheapest thing the socket can do, since benchmarks use this server as their zero-latency floor.
 */
export async function writeStream(
  response: ServerResponse,
  pauses: PauseSet,
  stream: FramedStream,
  tokensPerSecond: number,
): Promise<void> {
  response.writeHead(200, {
    "content-type": stream.contentType,
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  if (!Number.isFinite(tokensPerSecond) || tokensPerSecond <= 0 || stream.tokens.length === 0) {
    response.end(stream.head + stream.tokens.join("") + stream.tail());
    return;
  }
  response.write(stream.head);
  const intervalMs = 1000 / tokensPerSecond;
  const startedAt = performance.now();
  for (let index = 0; index < stream.tokens.length; index++) {
    // Aim at an absolute schedule so that timer lateness does not accumulate over a long stream.
    const waitMs = startedAt + (index + 1) * intervalMs - performance.now();
    if (waitMs >= 1 && !(await pauses.wait(waitMs, response))) return;
    if (response.destroyed) return;
    response.write(stream.tokens[index]);
  }
  response.end(stream.tail());
}
