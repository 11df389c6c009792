import type { PrismaClient, SecretBox } from "@tandem/db";
import {
  createGuardedHttp,
  createLimiter,
  createModelGateway,
  createQuickJsSandbox,
  createUnconfiguredModelGateway,
  type EngineServices,
  type Limiter,
  type LocalModelRuntime,
  type ProviderConfig,
} from "@tandem/engine";
import { z } from "zod";
import { loadProviderConfigs } from "../models/model-provider-repository.ts";
import { createKnowledgeRetriever } from "../knowledge/retrieve-chunks.ts";
import type { ConnectorCache } from "../data-sources/connector-cache.ts";
import { createSqlDataSources } from "../data-sources/create-sql-data-sources.ts";
import { createWorkspaceTools } from "../tools/create-workspace-tools.ts";
import type { McpClients } from "../tools/mcp-clients.ts";
import type { EndpointLimiters } from "../models/redis-endpoint-limiter.ts";
import type { RunChildWorkflow } from "../tools/workflow-tools.ts";

/** The part of a workspace's settings the engine's services read. */
export const workspaceEngineSettingsSchema = z
  .object({
    /** Hosts (or host:port) outbound HTTP may reach even though they are private or loopback. */
    allowedHosts: z.array(z.string()).default([]),
    /** Model tiers: `"tier:fast"` → these references, tried in order. */
    tiers: z.record(z.array(z.string())).default({}),
    /** Price overrides, USD per million tokens, keyed "provider:model". */
    prices: z.record(z.object({ input: z.number().min(0), output: z.number().min(0) })).default({}),
  })
  .passthrough();

export interface WorkspaceRef {
  id: string;
  settings: unknown;
  /**
   * The version of the workspace's model providers as read with the run (see loadRunForJob). Given,
   * the providers and model gateway built for the same version and settings are reused; not given,
   * they are read again.
   */
  providersVersion?: string;
}

/** What a run adds: the chain of app ids that led to it (a workflow run as a tool is at its end). */
export interface RunRef {
  callChain: readonly string[];
}

const MAX_CACHED_GATEWAYS = 200;

export type EngineServicesFactory = (workspace: WorkspaceRef, run?: RunRef) => Promise<EngineServices>;

/**
 * Builds a workspace's engine services for a run: guarded HTTP with its allowed hosts, the shared code
 * sandbox, a model gateway over its providers (plus the embedded runtime as provider "local"), and
 * retrieval over its knowledge bases, and its SQL data sources (when a connector cache is given).
 * Concurrency limits are per provider and shared by every run in this process; in scaled mode, an
 * endpoint with a `maxConcurrency` is limited across all workers instead (`endpointLimiters`).
 */
export function createEngineServicesFactory(options: {
  prisma: PrismaClient;
  secrets: SecretBox;
  localRuntime?: LocalModelRuntime;
  connectors?: ConnectorCache;
  /** Folders SQLite data sources may point into; none given, SQLite sources cannot run. */
  sqliteRoots?: readonly string[];
  /** MCP connections shared by the process; without it, MCP tool providers are reported as unavailable. */
  mcp?: McpClients;
  /** Runs a published workflow called as a tool; without it, workflows are not tools. */
  runChildWorkflow?: RunChildWorkflow;
  /** Scaled mode: limits shared by every worker, per endpoint; providers they do not cover keep a limit per process. */
  endpointLimiters?: EndpointLimiters;
}): EngineServicesFactory {
  const sandbox = createQuickJsSandbox();
  const limiters = new Map<string, Limiter>();
  /** Per workspace: the model gateway built for one providers version and settings (runs of a busy app reuse it). */
  const gateways = new Map<string, { key: string; models: EngineServices["models"] }>();

  async function buildGateway(workspace: WorkspaceRef, settings: z.infer<typeof workspaceEngineSettingsSchema>): Promise<EngineServices["models"]> {
    const { providers } = await loadProviderConfigs(options.prisma, options.secrets, workspace.id);
    if (options.localRuntime && !providers.some((provider) => provider.kind === "local")) {
      providers.push({ name: "local", kind: "local", isLocal: true, settings: {} });
    }
    const limiterFor = (provider: ProviderConfig) => {
      const shared = options.endpointLimiters?.limiterFor(workspace.id, provider);
      if (shared) return shared;
      const key = `${workspace.id}\u0000${provider.name}`;
      let limiter = limiters.get(key);
      if (!limiter) {
        limiter = createLimiter(provider.settings.maxConcurrency ?? (provider.kind === "local" ? 1 : 64));
        limiters.set(key, limiter);
      }
      return limiter;
    };
    const byName = new Map(providers.map((provider) => [provider.name, provider]));
    return providers.length === 0
      ? createUnconfiguredModelGateway()
      : createModelGateway({
          providers,
          tiers: settings.tiers,
          prices: settings.prices,
          ...(options.localRuntime ? { localRuntime: options.localRuntime } : {}),
          concurrency: (name) => {
            const provider = byName.get(name);
            return provider ? limiterFor(provider) : createLimiter(64);
          },
        });
  }

  return async (workspace, run) => {
    const parsed = workspaceEngineSettingsSchema.safeParse(workspace.settings ?? {});
    const settings = parsed.success ? parsed.data : workspaceEngineSettingsSchema.parse({});
    const key = workspace.providersVersion === undefined ? undefined : `${workspace.providersVersion}\u0000${JSON.stringify(settings)}`;
    const cached = gateways.get(workspace.id);
    let models: EngineServices["models"];
    if (key !== undefined && cached?.key === key) models = cached.models;
    else {
      models = await buildGateway(workspace, settings);
      if (key !== undefined) {
        gateways.delete(workspace.id);
        gateways.set(workspace.id, { key, models });
        // Most recently used last; the oldest workspace goes past the bound.
        const oldest = gateways.keys().next();
        if (gateways.size > MAX_CACHED_GATEWAYS && !oldest.done) gateways.delete(oldest.value);
      }
    }
    const knowledge = createKnowledgeRetriever({ prisma: options.prisma, models, workspaceId: workspace.id });
    const connectors = options.connectors;
    const sql =
      connectors === undefined
        ? undefined
        : createSqlDataSources(
            { prisma: options.prisma, secrets: options.secrets, connectors, allowedHosts: () => Promise.resolve(settings.allowedHosts), sqliteRoots: options.sqliteRoots ?? [] },
            workspace.id,
          );
    const http = createGuardedHttp({ allowedHosts: settings.allowedHosts });
    const tools = createWorkspaceTools({
      prisma: options.prisma,
      secrets: options.secrets,
      ...(options.mcp ? { mcp: options.mcp } : {}),
      workspaceId: workspace.id,
      allowedHosts: settings.allowedHosts,
      services: { http, knowledge, ...(sql ? { sql } : {}) },
      ...(options.runChildWorkflow && run ? { workflows: { callChain: run.callChain, runChild: options.runChildWorkflow } } : {}),
    });
    return { http, sandbox, models, knowledge, ...(sql ? { sql } : {}), tools };
  };
}
