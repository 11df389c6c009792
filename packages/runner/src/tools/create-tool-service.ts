import type { PrismaClient, SecretBox } from "@tandem/db";
import type { ToolDescriptor } from "@tandem/engine";
import type { EngineServicesFactory } from "../runs/engine-services.ts";
import { workspaceEngineSettingsSchema } from "../runs/engine-services.ts";
import { deleteToolProvider, listToolProviders, saveToolProvider, type ToolProviderInput, type ToolProviderSummary } from "./manage-tool-providers.ts";

/** A workspace's tools for the studio and the API: providers to manage, and every tool a run would see. */
export interface ToolService {
  saveProvider(workspaceId: string, input: ToolProviderInput): Promise<ToolProviderSummary>;
  listProviders(workspaceId: string): Promise<ToolProviderSummary[]>;
  deleteProvider(workspaceId: string, name: string): Promise<boolean>;
  /** The registry's tools (built-ins, providers, published workflows), as the tool and agent nodes see them. */
  listTools(workspaceId: string, signal?: AbortSignal): Promise<ToolDescriptor[]>;
}

export function createToolService(options: { prisma: PrismaClient; secrets: SecretBox; servicesFor: EngineServicesFactory }): ToolService {
  const { prisma } = options;
  const workspaceOf = async (workspaceId: string) => {
    const workspace = await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { id: true, settings: true } });
    const parsed = workspaceEngineSettingsSchema.safeParse(workspace.settings ?? {});
    return { ...workspace, allowedHosts: parsed.success ? parsed.data.allowedHosts : [] };
  };
  return {
    async saveProvider(workspaceId, input) {
      const workspace = await workspaceOf(workspaceId);
      return saveToolProvider(prisma, options.secrets, { id: workspace.id, allowedHosts: workspace.allowedHosts }, input);
    },
    listProviders: (workspaceId) => listToolProviders(prisma, workspaceId),
    deleteProvider: (workspaceId, name) => deleteToolProvider(prisma, workspaceId, name),
    async listTools(workspaceId, signal) {
      const workspace = await workspaceOf(workspaceId);
      const services = await options.servicesFor({ id: workspace.id, settings: workspace.settings }, { callChain: [] });
      return services.tools ? services.tools.list(signal ? { signal } : {}) : [];
    },
  };
}
