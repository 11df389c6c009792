import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { createTestMcpServer } from "./create-test-mcp-server.ts";

export interface McpHttpServer {
  url: string;
  host: string;
  /** Authorization headers the server received. */
  authorizations: string[];
  close(): Promise<void>;
}

/** The test MCP server over Streamable HTTP (stateless: one server and transport per request) on 127.0.0.1. */
export async function startMcpHttpServer(): Promise<McpHttpServer> {
  const authorizations: string[] = [];
  const server: Server = createServer((request, response) => {
    if (request.method !== "POST") {
      response.writeHead(405).end();
      return;
    }
    authorizations.push(request.headers.authorization ?? "");
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const mcp = createTestMcpServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      response.on("close", () => {
        void transport.close();
        void mcp.close();
      });
      void (async () => {
        await mcp.connect(transport);
        await transport.handleRequest(request, response, JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // A listening TCP server always has an AddressInfo address.
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    host: `127.0.0.1:${port}`,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
