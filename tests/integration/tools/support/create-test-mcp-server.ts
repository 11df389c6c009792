import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

/** A small MCP server with the tools the tests call: add (structured output), shout, sleep, fail. */
export function createTestMcpServer(): McpServer {
  const server = new McpServer({ name: "tandem-test-tools", version: "1.0.0" });
  server.registerTool(
    "add",
    { description: "Add two numbers", inputSchema: { a: z.number(), b: z.number() }, outputSchema: { sum: z.number() } },
    ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }], structuredContent: { sum: a + b } }),
  );
  server.registerTool("shout", { description: "Upper-case a text", inputSchema: { text: z.string() } }, ({ text }) => ({ content: [{ type: "text", text: text.toUpperCase() }] }));
  server.registerTool(
    "sleep",
    { description: "Wait, then answer", inputSchema: { ms: z.number() } },
    async ({ ms }) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { content: [{ type: "text", text: "awake" }] };
    },
  );
  server.registerTool("fail", { description: "Always fails" }, () => ({ isError: true, content: [{ type: "text", text: "the disk is on fire" }] }));
  server.registerTool("pid", { description: "The server's process id" }, () => ({ content: [{ type: "text", text: String(process.pid) }] }));
  return server;
}
