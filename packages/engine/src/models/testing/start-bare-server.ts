import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Test support: a minimal HTTP server on 127.0.0.1 answering from a handler, for what the scripted
 * model server does not do on purpose (an OpenAI-compatible server without usage figures, a key
 * check, an OpenAI-only listing). Requests' paths are recorded.
 */
export interface BareServer {
  url: string;
  port: number;
  paths: string[];
  close(): Promise<void>;
}

export type BareHandler = (request: IncomingMessage, body: string) => { status: number; body: unknown; contentType?: string };

export async function startBareServer(handler: BareHandler): Promise<BareServer> {
  const paths: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      paths.push(request.url ?? "/");
      const reply = handler(request, Buffer.concat(chunks).toString("utf8"));
      const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
      response.writeHead(reply.status, { "content-type": reply.contentType ?? "application/json" });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // A TCP listen always yields an AddressInfo.
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // A TCP listen always yields an AddressInfo.
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
