// The test MCP server on stdin/stdout, spawned by the MCP tool tests as a real child process.
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createTestMcpServer } from "./create-test-mcp-server.ts";

await createTestMcpServer().connect(new StdioServerTransport());
