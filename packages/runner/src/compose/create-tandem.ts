import { checkDatabaseHealth, createSecretBox, loadOrCreateSecretKey, openDatabase, type Database, type SecretBox } from "@tandem/db";
import path from "node:path";
import { Redis } from "ioredis";
import { createLocalModelRuntime, handleOpenAiRequest, toWebResponse, type LocalModelRuntime } from "@tandem/local-models";
import type { RuntimeConfig } from "../config/runtime-config.ts";
import { adaptLocalRuntime } from "../models/local-runtime-adapter.ts";
import { createConnectorCache } from "../data-sources/connector-cache.ts";
import { createDataSourceDependencies, createDataSourceService, type DataSourceService } from "../data-sources/create-data-source-service.ts";
import { createEngineServicesFactory } from "../runs/engine-services.ts";
import { createMcpClients } from "../tools/mcp-clients.ts";
import { createChildWorkflowRunner } from "../tools/run-child-workflow.ts";
import { createToolService, type ToolService } from "../tools/create-tool-service.ts";
import { recoverUnfinishedRuns } from "../runs/recover-unfinished-runs.ts";
import { createInProcessRunEventBus, type RunEventBus } from "../runs/run-event-bus.ts";
import { createRedisRunEventBus } from "../runs/redis-run-event-bus.ts";
import { createRedisEndpointLimiters, type EndpointLimiters } from "../models/redis-endpoint-limiter.ts";
import { createRedisRateLimiter } from "../publishing/redis-rate-limiter.ts";
import type { RateLimiter } from "../publishing/rate-limiter.ts";
import { closeRedis } from "../redis/redis-script.ts";
import { createJobHandlers, type JobDependencies } from "../jobs/create-job-handlers.ts";
import { jobCatalog, type TandemJobCatalog } from "../jobs/job-catalog.ts";
import { createBullmqQueue } from "../queue/bullmq-queue.ts";
import { recoverUnfinishedIngestions } from "../knowledge/browse-documents.ts";
import { createKnowledgeService, type KnowledgeService } from "../knowledge/create-knowledge-service.ts";
import { createLazyPreparationPool } from "../knowledge/preparation/create-preparation-pool.ts";
import { createInProcessQueue } from "../queue/in-process-queue.ts";
import { createPublishingService, type PublishingService } from "../publishing/create-publishing-service.ts";
import type { JobQueue, QueueHealth } from "../queue/job-queue.ts";
import { createAppRunService, type AppRunService } from "../app-runs/app-run-service.ts";
import { createRunWriteBatcher } from "../runs/run-write-batcher.ts";
import { createApiRunInserter } from "../runs/run-rows.ts";
import { createRunHandoff } from "../runs/run-handoff.ts";
import { DurableCheckpointSaver } from "../runs/durable-checkpoint-saver.ts";
import { createPublishedVersions } from "../runs/published-versions.ts";
import { CALLBACK_ATTEMPTS } from "../app-runs/deliver-run-callback.job.ts";

/** web: serves and (embedded) runs jobs; worker: runs jobs (scaled); cli: runs one job itself, takes none from the queue. */
export type TandemRole = "web" | "worker" | "cli";

export interface HealthReport {
  status: "ok" | "degraded";
  version: string;
  mode: RuntimeConfig["mode"];
  role: TandemRole;
  uptimeSeconds: number;
  database: { ok: boolean; kind: Database["kind"]; latencyMs: number; error?: string };
  queue: QueueHealth & { processesJobs: boolean };
}

/** Everything a Tandem process needs, composed once from the configuration. */
export interface Tandem {
  readonly config: RuntimeConfig;
  readonly role: TandemRole;
  readonly db: Database;
  readonly queue: JobQueue<TandemJobCatalog>;
  readonly secrets: SecretBox;
  /** Live run events (persisted ones are in run_events). */
  readonly runEvents: RunEventBus;
  /** The embedded GGUF runtime. */
  readonly localModels: LocalModelRuntime;
  /** Serves the embedded runtime as an OpenAI-compatible API (`/v1/models`, chat, completions, embeddings). */
  handleLocalModelsApi(request: { method: string; path: string; body: string; signal: AbortSignal }): Promise<Response>;
  /** Knowledge bases: create, upload, browse, hit-test (retrieval for workflows goes through the engine). */
  readonly knowledge: KnowledgeService;
  /** SQL data sources: create, test, introspect, annotate, verified examples (queries for workflows go through the engine). */
  readonly dataSources: DataSourceService;
  /** Tool providers (OpenAPI documents, MCP servers) and the tools runs see (calls for workflows go through the engine). */
  readonly tools: ToolService;
  /** Published versions of apps and their API keys (authentication and per-key limits for the published API). */
  readonly publishing: PublishingService;
  /** Runs of published apps for the published API: start, watch, wait, stop, status, traces, conversations. */
  readonly appRuns: AppRunService;
  /** What job handlers use, for callers that run a job directly (the CLI). */
  readonly jobDependencies: JobDependencies;
  health(): Promise<HealthReport>;
  /** Stops taking jobs, lets in-flight ones finish (up to the shutdown timeout), closes connections. */
  close(): Promise<void>;
}

/**
 * The composition root. The web role processes jobs itself only in embedded mode; in scaled mode it
 * enqueues to BullMQ and the worker role processes. The job handlers are the same objects either way.
 */
export async function createTandem(config: RuntimeConfig, role: TandemRole): Promise<Tandem> {
  if (role === "worker" && config.queue.kind !== "bullmq") {
    throw new Error(
      "The worker needs REDIS_URL and DATABASE_URL (scaled mode). In embedded mode the web server runs jobs itself: use `npm start`.",
    );
  }
  const startedAt = Date.now();
  const db = await openDatabase({ url: config.database.url, dataDir: config.database.embeddedDir });
  try {
    const secrets = createSecretBox(await loadOrCreateSecretKey({ envValue: config.secretKey, stateDir: config.dataDir }));
    const queue =
      config.queue.kind === "bullmq"
        ? createBullmqQueue({ catalog: jobCatalog, redisUrl: config.queue.redisUrl, prefix: config.queue.prefix, lockDurationMs: config.queue.lockDurationMs })
        : createInProcessQueue({ catalog: jobCatalog });
    // LangGraph's checkpoints live in their own schema, apart from Tandem's tables.
    // Runs' events, checkpoints and status changes: one statement per batch for all runs (ADR 0017).
    const batcher = createRunWriteBatcher({ connectionString: db.url, onError: (error) => console.error(JSON.stringify({ event: "run-write-failed", error: String(error) })) });
    const checkpointer = new DurableCheckpointSaver(batcher);
    const processesJobs = role === "worker" || (role === "web" && config.webProcessesJobs);
    // New API runs go straight to their job when it runs in this process (embedded mode).
    const handoff = processesJobs && config.queue.kind !== "bullmq" ? createRunHandoff() : undefined;
    const versions = createPublishedVersions(db.prisma);
    // Scaled mode shares live run events, per-key API limits and per-endpoint model limits through Redis
    // (ADR 0016); embedded mode keeps them in this one process.
    const runEvents: RunEventBus =
      config.queue.kind === "bullmq" ? createRedisRunEventBus({ redisUrl: config.queue.redisUrl, prefix: config.queue.prefix }) : createInProcessRunEventBus();
    const sharedLimits = config.queue.kind === "bullmq" ? createSharedLimits(config.queue) : null;
    // The embedded GGUF runtime: models are the .gguf files in <dataDir>/models, loaded on first use.
    const localRuntime = createLocalModelRuntime({ modelsDir: path.join(config.dataDir, "models") });
    // One connector per data source for the whole process: pools, SQLite processes and concurrency caps are shared.
    const connectors = createConnectorCache({ secrets });
    // MCP connections (stdio processes, HTTP sessions) are shared by every run and closed with Tandem.
    const mcp = createMcpClients({ stdioCommands: config.mcpStdioCommands });
    // Late-bound: the child runner needs the job dependencies, which need servicesFor.
    const runChildWorkflow = createChildWorkflowRunner(() => jobDependencies);
    const servicesFor = createEngineServicesFactory({
      prisma: db.prisma,
      secrets,
      localRuntime: adaptLocalRuntime(localRuntime),
      connectors,
      sqliteRoots: config.sqliteRoots,
      mcp,
      runChildWorkflow,
      ...(sharedLimits ? { endpointLimiters: sharedLimits.endpoints } : {}),
    });
    const preparation = createLazyPreparationPool({ threads: config.parseThreads });
    const jobDependencies: JobDependencies = {
      prisma: db.prisma,
      bus: runEvents,
      checkpointer,
      batcher,
      versions,
      ...(handoff ? { handoff } : {}),
      servicesFor,
      preparation,
      secrets,
      enqueueCallback: async (runId) => {
        await queue.enqueue("deliver-run-callback", { runId }, { jobId: `run-callback-${runId}`, attempts: CALLBACK_ATTEMPTS, backoff: { type: "exponential", delayMs: 2_000 } });
      },
    };
    if (processesJobs) await queue.process(createJobHandlers(jobDependencies), { concurrency: config.jobConcurrency });
    const knowledge = createKnowledgeService({ prisma: db.prisma, queue, servicesFor });
    const dataSources = createDataSourceService(createDataSourceDependencies({ prisma: db.prisma, secrets, connectors, sqliteRoots: config.sqliteRoots }));
    const tools = createToolService({ prisma: db.prisma, secrets, servicesFor });
    const publishing = createPublishingService({
      prisma: db.prisma,
      servicesFor,
      secrets,
      onPublished: (appId) => versions.forget(appId),
      ...(sharedLimits ? { rateLimiter: sharedLimits.rateLimiter } : {}),
    });
    const appRuns = createAppRunService({ prisma: db.prisma, queue, bus: runEvents, batcher, inserter: createApiRunInserter(batcher), versions, ...(handoff ? { handoff } : {}) });
    if (processesJobs && queue.kind === "in-process") {
      await recoverUnfinishedRuns(db.prisma, queue);
      await recoverUnfinishedIngestions({ prisma: db.prisma, queue, servicesFor });
    }

    let closed: Promise<void> | null = null;
    return {
      config,
      role,
      db,
      queue,
      secrets,
      runEvents,
      localModels: localRuntime,
      knowledge,
      dataSources,
      tools,
      publishing,
      appRuns,
      async handleLocalModelsApi(request) {
        return toWebResponse(await handleOpenAiRequest(localRuntime, request));
      },
      jobDependencies,
      async health() {
        const [database, queueHealth] = await Promise.all([checkDatabaseHealth(db.prisma), queue.health()]);
        return {
          status: database.ok && queueHealth.ok ? "ok" : "degraded",
          version: config.version,
          mode: config.mode,
          role,
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
          database: { ...database, kind: db.kind },
          queue: { ...queueHealth, processesJobs },
        };
      },
      close() {
        closed ??= (async () => {
          await queue.close({ timeoutMs: config.shutdownTimeoutMs });
          await preparation.close();
          await connectors.close();
          await mcp.close();
          await batcher.close();
          await localRuntime.close();
          await runEvents.close();
          await sharedLimits?.close();
          await db.close();
        })();
        return closed;
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Scaled mode's per-key API limits and per-endpoint model limits, on one Redis command connection opened on first use. */
function createSharedLimits(queue: { redisUrl: string; prefix: string }): { endpoints: EndpointLimiters; rateLimiter: RateLimiter; close(): Promise<void> } {
  const redis = new Redis(queue.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  // ioredis reconnects by itself; a command that fails is reported to its caller.
  redis.on("error", () => undefined);
  const endpoints = createRedisEndpointLimiters({ redis, prefix: queue.prefix });
  return {
    endpoints,
    rateLimiter: createRedisRateLimiter({ redis, prefix: queue.prefix }),
    async close() {
      await endpoints.close();
      await closeRedis(redis);
    },
  };
}
