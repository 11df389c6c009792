import type { PrismaClient, SecretBox } from "@tandem/db";
import { createBuiltinTools, createToolRegistry, staticToolSource, type EngineServices, type ToolRegistry, type ToolSource } from "@tandem/engine";
import { loadToolProviders } from "./manage-tool-providers.ts";
import type { McpClients } from "./mcp-clients.ts";
import { createOpenApiToolSource } from "./openapi-tools.ts";
import { createWorkflowToolSource, type RunChildWorkflow } from "./workflow-tools.ts";

export interface WorkspaceToolsOptions {
  prisma: PrismaClient;
  secrets: SecretBox;
  /** Without it, MCP providers are reported as unavailable (their tools are missing, with the reason). */
  mcp?: McpClients;
  workspaceId: string;
  allowedHosts: readonly string[];
  /** The run's own ports: the built-ins use them (HTTP through the SSRF guard, knowledge, sql). */
  services: Pick<EngineServices, "http" | "knowledge" | "sql">;
  /** Present where workflows may run workflows as tools. */
  workflows?: { callChain: readonly string[]; runChild: RunChildWorkflow };
}

/**
 * A workspace's tool registry for one run: the built-ins first (no provider can shadow them), then
 * each enabled provider (OpenAPI, MCP), then the published workflows. Providers are read from the
 * database once per run, on first use.
 */
export function createWorkspaceTools(options: WorkspaceToolsOptions): ToolRegistry {
  let registry: Promise<ToolRegistry> | undefined;
  const load = () =>
    (registry ??= (async () => {
      const { providers, problems } = await loadToolProviders(options.prisma, options.secrets, options.workspaceId);
      const sources: ToolSource[] = [staticToolSource("built-in tools", createBuiltinTools(options.services))];
      for (const provider of providers) {
        const { config } = provider;
        if (config.kind === "openapi") {
          try {
            sources.push(createOpenApiToolSource({ name: provider.name, config, credentials: provider.credentials, http: options.services.http }));
          } catch (error) {
            problems.push(`OpenAPI tools "${provider.name}": ${error instanceof Error ? error.message : String(error)}`);
          }
        } else if (options.mcp) sources.push(options.mcp.source({ ...provider, config }, options.allowedHosts));
        else problems.push(`MCP server "${provider.name}": MCP connections are not available in this process`);
      }
      if (options.workflows) sources.push(createWorkflowToolSource({ prisma: options.prisma, workspaceId: options.workspaceId, ...options.workflows }));
      // Broken providers stay visible: their listing fails with the reason, which unknown-tool errors quote.
      for (const problem of problems) sources.push({ label: problem, list: () => Promise.reject(new Error("skipped")) });
      return createToolRegistry({ sources });
    })());
  return {
    list: async (listOptions) => (await load()).list(listOptions),
    get: async (name, getOptions) => (await load()).get(name, getOptions),
    call: async (name, args, callOptions) => (await load()).call(name, args, callOptions),
  };
}
