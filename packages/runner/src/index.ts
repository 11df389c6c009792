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
