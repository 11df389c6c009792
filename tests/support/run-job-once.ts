/**
 * Runs one run-workflow job in this process, as a worker would, then exits: lets a test kill a run
 * mid-way (SIGKILL) and run the job again elsewhere. Usage: tsx run-job-once.ts RUN_ID (DATABASE_URL set).
 */
import { createPrismaClient, createSecretBox, parseSecretKey } from "@tandem/db";
import { createEngineServicesFactory, createInProcessRunEventBus, createPublishedVersions, createRunWriteBatcher, DurableCheckpointSaver, runWorkflowJob } from "@tandem/runner";

const runId = process.argv[2];
const url = process.env.DATABASE_URL;
if (!runId || !url) throw new Error("usage: DATABASE_URL=… tsx run-job-once.ts RUN_ID");

const prisma = createPrismaClient(url, { maxConnections: 2 });
const batcher = createRunWriteBatcher({ connectionString: url });
const checkpointer = new DurableCheckpointSaver(batcher);
const bus = createInProcessRunEventBus();
bus.subscribe(runId, ({ event }) => console.log(JSON.stringify({ event: event.type, ...("nodeId" in event ? { nodeId: event.nodeId } : {}) })));
// The workflows this runs use no model providers, so a throwaway key seals nothing of value.
const secrets = createSecretBox(parseSecretKey(process.env.TANDEM_SECRET_KEY ?? Buffer.alloc(32, 7).toString("base64")));
const servicesFor = createEngineServicesFactory({ prisma, secrets });
const result = await runWorkflowJob({ prisma, bus, checkpointer, batcher, versions: createPublishedVersions(prisma), servicesFor }, runId, new AbortController().signal);
console.log(JSON.stringify({ event: "job-done", ...result }));
await batcher.close();
await prisma.$disconnect();
