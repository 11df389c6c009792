import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

export interface CountingServer {
  port: number;
  /** Requests seen per path. */
  hits: Map<string, number>;
  /** While set, requests to this path never get an answer (the caller is killed meanwhile). */
  hang: Set<string>;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 that answers `{ path, hit }` and counts requests per path. */
export async function startCountingServer(): Promise<CountingServer> {
  const hits = new Map<string, number>();
  const hang = new Set<string>();
  const open = new Set<ServerResponse>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const hit = (hits.get(path) ?? 0) + 1;
    hits.set(path, hit);
    if (hang.has(path)) {
      open.add(response);
      return;
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ path, hit }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    hits,
    hang,
    close: () =>
      new Promise((resolve) => {
        for (const response of open) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
