import type { IncomingMessage, ServerResponse } from "node:http";

export interface SseStream {
  /** Sends one `data:` event, with an `id:` line when given (a client resumes after it with Last-Event-ID). */
  send(data: unknown, id?: number): void;
  /** Sends a raw line block (`data: [DONE]`). */
  raw(text: string): void;
  end(): void;
  /** True once the client went away or the stream ended. */
  readonly closed: boolean;
  /** Resolves when the client disconnects. */
  onClose(listener: () => void): void;
}

/**
 * A server-sent-events reply: HTTP 200 whatever happens later (errors become events), `event: ping`
 * every `pingMs` so proxies keep the connection, no buffering. A client disconnect only ends the
 * stream: the run it watches goes on.
 */
export function openSseStream(request: IncomingMessage, response: ServerResponse, options: { pingMs: number; ping?: string }): SseStream {
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  request.socket.setNoDelay(true);
  // The headers leave with the first events, or alone at the end of this turn of the event loop when
  // there are none yet: one write fewer before the run's first events, off the path to its first token.
  setImmediate(() => {
    if (!response.headersSent && !response.writableEnded) response.flushHeaders();
  });
  let closed = false;
  const listeners: Array<() => void> = [];
  const ping = setInterval(() => {
    if (!closed) response.write(options.ping ?? "event: ping\n\n");
  }, options.pingMs);
  ping.unref();
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(ping);
    for (const listener of listeners) listener();
  };
  response.on("close", finish);
  // Events written in one turn of the event loop go out in one packet: a run emits several at once (a
  // node's end, the next one's start, a model's tokens read together), and each write would otherwise
  // be a system call and a chunk of its own.
  let corked = false;
  const write = (text: string) => {
    if (!corked) {
      corked = true;
      response.cork();
      setImmediate(() => {
        corked = false;
        response.uncork();
      });
    }
    response.write(text);
  };
  return {
    send(data, id) {
      if (closed) return;
      write(`${id === undefined ? "" : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`);
    },
    raw(text) {
      if (!closed) write(text);
    },
    end() {
      if (closed) return;
      response.end();
      finish();
    },
    get closed() {
      return closed;
    },
    onClose(listener) {
      if (closed) listener();
      else listeners.push(listener);
    },
  };
}
