import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createSsrfGuard, type ToolImplementation, type ToolSource } from "@tandem/engine";
import type { LoadedToolProvider, McpProviderConfig } from "./tool-provider-config.ts";

/** The end of a stdio server's stderr kept for error messages. */
const STDERR_TAIL = 2000;

interface OpenClient {
  client: Client;
  stderr: () => string;
}

export interface McpProvider extends LoadedToolProvider {
  config: McpProviderConfig;
}

/**
 * One MCP connection per provider version for the whole process, opened on first use and shared by
 * every run: starting a stdio server per call would cost a process spawn and an initialize handshake.
 * A connection that closes (the process died, the server went away) is forgotten, so the next call
 * reconnects. `close` shuts them all down (Tandem's close calls it).
 */
export interface McpClients {
  source(provider: McpProvider, allowedHosts: readonly string[]): ToolSource;
  close(): Promise<void>;
}

export interface McpClientsOptions {
  /** Commands stdio servers may run: "any" or exact commands (TANDEM_MCP_STDIO_COMMANDS). Default: "any". */
  stdioCommands?: "any" | readonly string[];
}

export function createMcpClients(options: McpClientsOptions = {}): McpClients {
  const clients = new Map<string, Promise<OpenClient>>();
  const stdioCommands = options.stdioCommands ?? "any";

  async function open(provider: McpProvider, allowedHosts: readonly string[]): Promise<OpenClient> {
    const { transport: settings } = provider.config;
    const client = new Client({ name: "tandem", version: "0.1.0" });
    let stderrTail = "";
    let transport: StdioClientTransport | StreamableHTTPClientTransport;
    if (settings.type === "stdio") {
      // A stdio server is a process on this machine: in a shared deployment only the commands the operator listed may run.
      if (stdioCommands !== "any" && !stdioCommands.includes(settings.command)) {
        throw new Error(`Stdio MCP servers run commands on the Tandem server, and "${settings.command}" is not one this server allows (TANDEM_MCP_STDIO_COMMANDS).`);
      }
      const stdio = new StdioClientTransport({
        command: settings.command,
        args: settings.args,
        env: { ...getDefaultEnvironment(), ...provider.credentials.env },
        ...(settings.cwd ? { cwd: settings.cwd } : {}),
        stderr: "pipe",
      });
      stdio.stderr?.on("data", (chunk: Buffer) => {
        stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL);
      });
      transport = stdio;
    } else {
      // The URL is checked by the same SSRF policy as every outbound request; the SDK then connects with fetch.
      await createSsrfGuard({ allowedHosts }).check(settings.url);
      transport = new StreamableHTTPClientTransport(new URL(settings.url), { requestInit: { headers: provider.credentials.headers ?? {} } });
    }
    try {
      await client.connect(transport, { timeout: provider.config.connectTimeoutMs });
    } catch (error) {
      await client.close().catch(() => undefined);
      const detail = stderrTail.trim() ? ` (its stderr: ${stderrTail.trim().slice(-500)})` : "";
      throw new Error(`Could not connect to the MCP server: ${error instanceof Error ? error.message : String(error)}${detail}`);
    }
    return { client, stderr: () => stderrTail };
  }

  function connection(provider: McpProvider, allowedHosts: readonly string[]): Promise<OpenClient> {
    const key = `${provider.id}\u0000${provider.version}`;
    let entry = clients.get(key);
    if (!entry) {
      entry = open(provider, allowedHosts);
      clients.set(key, entry);
      const forget = () => {
        if (clients.get(key) === entry) clients.delete(key);
      };
      entry.then(
        (opened) => {
          opened.client.onclose = forget;
        },
        forget,
      );
    }
    return entry;
  }

  return {
    source(provider, allowedHosts) {
      return {
        label: `MCP server "${provider.name}"`,
        owns: (name) => name.startsWith(`${provider.name}__`),
        async list(signal) {
          const { client } = await connection(provider, allowedHosts);
          const listed = await client.listTools(undefined, { signal, timeout: provider.config.timeoutMs });
          return listed.tools.map(
            (tool): ToolImplementation => ({
              name: `${provider.name}__${tool.name}`.slice(0, 64),
              kind: "mcp",
              description: (tool.description ?? tool.title ?? tool.name).slice(0, 2000),
              parameters: tool.inputSchema,
              ...(tool.outputSchema ? { output: tool.outputSchema } : {}),
              async run(args, context) {
                const result = await client.callTool({ name: tool.name, arguments: args }, undefined, { signal: context.signal, timeout: provider.config.timeoutMs });
                // The SDK types content by a union with the legacy result shape; each part has a `type`, text parts a `text`.
                const content = Array.isArray(result.content) ? (result.content as Array<{ type: string; text?: string }>) : [];
                const text = content
                  .filter((part) => part.type === "text" && typeof part.text === "string")
                  .map((part) => part.text)
                  .join("\n");
                if (result.isError === true) throw new Error(text || "the MCP tool reported an error");
                if (result.structuredContent !== undefined) return result.structuredContent;
                return content.every((part) => part.type === "text") ? text : content;
              },
            }),
          );
        },
      };
    },
    async close() {
      const open = [...clients.values()];
      clients.clear();
      await Promise.all(open.map(async (entry) => (await entry.catch(() => undefined))?.client.close().catch(() => undefined)));
    },
  };
}
