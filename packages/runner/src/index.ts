export { resolveRuntimeConfig, findProjectRoot, type RuntimeConfig } from "./config/runtime-config.ts";
export { createTandem, type Tandem, type TandemRole, type HealthReport } from "./compose/create-tandem.ts";
export { jobCatalog, type TandemJobCatalog } from "./jobs/job-catalog.ts";
export { createJobHandlers, type JobDependencies } from "./jobs/create-job-handlers.ts";
export { createInProcessQueue, type InProcessQueueOptions } from "./queue/in-process-queue.ts";
export { createBullmqQueue, type BullmqQueueOptions } from "./queue/bullmq-queue.ts";
export { QueueError, isQueueError, type QueueErrorCode } from "./queue/queue-error.ts";
export type {
  JobQueue,
  JobCatalog,
  JobName,
  JobPayload,
  JobHandler,
  JobHandlers,
  JobContext,
  JobSnapshot,
  JobStatus,
  EnqueueOptions,
  Backoff,
  CloseOptions,
  ProcessOptions,
  QueueHealth,
} from "./queue/job-queue.ts";
export { createRun, type CreateRunInput } from "./runs/create-run.ts";
export { toJsonInput } from "@tandem/db";
export { runWorkflowJob, type RunWorkflowJobDependencies } from "./jobs/run-workflow.job.ts";
export { createRunEventRecorder, type RunEventRecorder } from "./runs/run-event-recorder.ts";
export { createInProcessRunEventBus, type RunEventBus, type RunEventSubscription, type SequencedRunEvent } from "./runs/run-event-bus.ts";
export { createRedisRunEventBus, type RedisRunEventBusOptions } from "./runs/redis-run-event-bus.ts";
export {
  createRedisEndpointLimiters,
  createRedisSemaphore,
  createRedisWakeups,
  endpointOrigin,
  type EndpointLimiters,
  type RedisEndpointLimitersOptions,
  type RedisSemaphoreOptions,
  type Wakeups,
} from "./models/redis-endpoint-limiter.ts";
export { createEngineServicesFactory, workspaceEngineSettingsSchema, type EngineServicesFactory, type WorkspaceRef, type RunRef } from "./runs/engine-services.ts";
export {
  saveModelProvider,
  listModelProviders,
  loadProviderConfigs,
  saveModelCapabilities,
  modelProviderInputSchema,
  type ModelProviderInput,
  type ModelProviderSummary,
} from "./models/model-provider-repository.ts";
export { recoverUnfinishedRuns, runWorkflowJobId } from "./runs/recover-unfinished-runs.ts";
export { probeAndCacheModel, testModelProvider } from "./models/probe-provider-model.ts";
export { createKnowledgeService, type KnowledgeService } from "./knowledge/create-knowledge-service.ts";
export { createKnowledgeRetriever, type KnowledgeRetrieverOptions } from "./knowledge/retrieve-chunks.ts";
export { ingestDocumentsJob, type IngestOutcome, type IngestDependencies } from "./knowledge/ingest-documents.job.ts";
export { ServiceError, isServiceError } from "./errors/service-error.ts";
export { KnowledgeError, isKnowledgeError, KNOWLEDGE_ERROR_STATUS, type KnowledgeErrorCode } from "./knowledge/knowledge-error.ts";
export {
  knowledgeBaseInputSchema,
  knowledgeBasePatchSchema,
  indexSignature,
  type KnowledgeBaseInput,
  type KnowledgeBasePatch,
  type KnowledgeBaseSettings,
} from "./knowledge/knowledge-base-settings.ts";
export { sanitizeFileName, type UploadedFile, type UploadOptions, type UploadResult } from "./knowledge/upload-documents.ts";
export type { KnowledgeBaseView } from "./knowledge/manage-knowledge-bases.ts";
export type { DocumentView } from "./knowledge/browse-documents.ts";
export { enqueueIngestion, INGEST_ATTEMPTS, INGEST_BATCH_DOCUMENTS, type KnowledgeDependencies } from "./knowledge/knowledge-dependencies.ts";
export { createDataSourceService, createDataSourceDependencies, type DataSourceService } from "./data-sources/create-data-source-service.ts";
export { createConnectorCache, guardedFetch, type ConnectorCache } from "./data-sources/connector-cache.ts";
export { createSqlDataSources } from "./data-sources/create-sql-data-sources.ts";
export { DataSourceError, isDataSourceError, DATA_SOURCE_ERROR_STATUS, type DataSourceErrorCode } from "./data-sources/data-source-error.ts";
export {
  dataSourceInputSchema,
  dataSourcePatchSchema,
  verifiedExampleInputSchema,
  type DataSourceInput,
  type DataSourcePatch,
  type DataSourceView,
  type VerifiedExample,
  type VerifiedExampleInput,
  type DataSourceDependencies,
} from "./data-sources/manage-data-sources.ts";
export { saveToolProvider, deleteToolProvider, listToolProviders, loadToolProviders, toolProviderInputSchema, type ToolProviderInput, type ToolProviderSummary } from "./tools/manage-tool-providers.ts";
export { readOpenApiOperations, createOpenApiToolSource, type OpenApiOperation } from "./tools/openapi-tools.ts";
export { createMcpClients, type McpClients, type McpClientsOptions } from "./tools/mcp-clients.ts";
export { createWorkspaceTools, type WorkspaceToolsOptions } from "./tools/create-workspace-tools.ts";
export { MAX_WORKFLOW_TOOL_DEPTH, type RunChildWorkflow } from "./tools/workflow-tools.ts";
export { createToolService, type ToolService } from "./tools/create-tool-service.ts";
export { createPublishingService, type PublishingService } from "./publishing/create-publishing-service.ts";
export { publishApp, listVersions, publishInputSchema, type PublishInput, type AppVersionView } from "./publishing/publish-app.ts";
export {
  createApiKey,
  listApiKeys,
  revokeApiKey,
  authenticateApiKey,
  apiKeyInputSchema,
  type ApiKeyInput,
  type ApiKeyView,
  type ApiKeyAuthentication,
} from "./publishing/api-keys.ts";
export { createInProcessRateLimiter, type RateLimiter, type RateLimitLease, type KeyLimits } from "./publishing/rate-limiter.ts";
export { createRedisRateLimiter, type RedisRateLimiter, type RedisRateLimiterOptions, type RedisRateLimitLease } from "./publishing/redis-rate-limiter.ts";
export { PublishingError, isPublishingError, PUBLISHING_ERROR_STATUS, type PublishingErrorCode } from "./publishing/publishing-error.ts";
export type { PublishingDependencies } from "./publishing/publishing-dependencies.ts";
export {
  createAppRunService,
  startAppRunSchema,
  historyMessageSchema,
  type AppRunService,
  type AppCaller,
  type AppRunView,
  type StartAppRunInput,
  type StartedAppRun,
  type HistoryMessage,
} from "./app-runs/app-run-service.ts";
export { AppRunError, isAppRunError, APP_RUN_ERROR_STATUS, type AppRunErrorCode } from "./app-runs/app-run-error.ts";
export { difyWorkflowRunData } from "./app-runs/dify-run-data.ts";
export { signCallback, callbackSecretFor, SIGNATURE_HEADER } from "./publishing/callback-signature.ts";
export type { RunWatch } from "./app-runs/watch-run.ts";
export { createPublishedVersions, type PublishedApp, type PublishedVersions } from "./runs/published-versions.ts";
export { createRunWriteBatcher, type RunWriteBatcher, type RunWrites } from "./runs/run-write-batcher.ts";
export { DurableCheckpointSaver } from "./runs/durable-checkpoint-saver.ts";
