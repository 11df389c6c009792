/**
 * Runs one run-workflow job in this process, as a worker would, then exits: lets a test kill a run
 * mid-way (SIGKILL) and run the job again elsewhere. Usage: tsx run-job-once.ts RUN_ID (DATABASE_URL set).
 */
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { createPrismaClient } from "@tandem/db";
import { createEngineServices, createInProcessRunEventBus, runWorkflowJob } from "@tandem/runner";

const runId = process.argv[2];
const url = process.env.DATABASE_URL;
if (!runId || !url) throw new Error("usage: DATABASE_URL=… tsx run-job-once.ts RUN_ID");

const prisma = createPrismaClient(url, { maxConnections: 2 });
const checkpointer = PostgresSaver.fromConnString(url, { schema: "langgraph" });
await checkpointer.setup();
const bus = createInProcessRunEventBus();
bus.subscribe(runId, ({ event }) => console.log(JSON.stringify({ event: event.type, ...("nodeId" in event ? { nodeId: event.nodeId } : {}) })));
const result = await runWorkflowJob({ prisma, bus, checkpointer, servicesFor: createEngineServices }, runId, new AbortController().signal);
console.log(JSON.stringify({ event: "job-done", ...result }));
await checkpointer.end();
await prisma.$disconnect();
