/**
 * `npm run bench -- queue [--jobs N] [--concurrency C] [--latency-samples S]`
 * Throughput of 10,000 no-op jobs at concurrency 50 through both queue adapters, and BullMQ's start
 * latency (enqueue → handler start) measured one job at a time. Needs Redis (REDIS_URL or 127.0.0.1:6379).
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { createBullmqQueue, createInProcessQueue, type JobQueue } from "@tandem/runner";
import { Redis } from "ioredis";
import { z } from "zod";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "50" },
    "latency-samples": { type: "string", default: "1000" },
  },
});
const jobs = Number(values.jobs);
const concurrency = Number(values.concurrency);
const latencySamples = Number(values["latency-samples"]);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const catalog = { noop: z.object({ sentAt: z.number().optional() }) };
type BenchCatalog = typeof catalog;

/** Fills the queue first, then measures how fast one process drains it. */
async function drainRate(queue: JobQueue<BenchCatalog>): Promise<{ jobsPerSecond: number; enqueuePerSecond: number }> {
  const enqueueStarted = performance.now();
  for (let offset = 0; offset < jobs; offset += 1000) {
    const batch = Array.from({ length: Math.min(1000, jobs - offset) }, () => ({ name: "noop" as const, payload: {} }));
    await queue.enqueueMany(batch);
  }
  const enqueueSeconds = (performance.now() - enqueueStarted) / 1000;
  let done = 0;
  let finish: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const started = performance.now();
  await queue.process(
    {
      noop: async () => {
        done += 1;
        if (done === jobs) finish();
        return null;
      },
    },
    { concurrency },
  );
  await allDone;
  const seconds = (performance.now() - started) / 1000;
  return { jobsPerSecond: jobs / seconds, enqueuePerSecond: jobs / enqueueSeconds };
}

/** Enqueue → handler start, one job at a time on an idle worker. */
async function startLatency(queue: JobQueue<BenchCatalog>): Promise<number[]> {
  let started: (at: number) => void = () => undefined;
  await queue.process(
    {
      noop: async () => {
        started(performance.now());
        return null;
      },
    },
    { concurrency },
  );
  const samples: number[] = [];
  for (let index = 0; index < latencySamples; index += 1) {
    const startedAt = new Promise<number>((resolve) => {
      started = resolve;
    });
    const sentAt = performance.now();
    await queue.enqueue("noop", {});
    samples.push((await startedAt) - sentAt);
  }
  return samples;
}

function percentile(samples: number[], fraction: number): number {
  const sorted = [...samples].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const prefix = `tandem-bench-${randomUUID().slice(0, 8)}`;

const bullmq = createBullmqQueue({ catalog, redisUrl, prefix: `${prefix}-throughput` });
const bullmqRate = await drainRate(bullmq);
await bullmq.close();

const inProcess = createInProcessQueue({ catalog });
const inProcessRate = await drainRate(inProcess);
await inProcess.close();

const latencyQueue = createBullmqQueue({ catalog, redisUrl, prefix: `${prefix}-latency` });
const latencies = await startLatency(latencyQueue);
await latencyQueue.close();

const redis = new Redis(redisUrl);
for (const pattern of [`${prefix}-*`]) {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
}
await redis.quit();

console.log(
  JSON.stringify({
    bench: "queue",
    jobs,
    concurrency,
    bullmq_jobs_per_s: Math.round(bullmqRate.jobsPerSecond),
    inprocess_jobs_per_s: Math.round(inProcessRate.jobsPerSecond),
    bullmq_start_latency_p50_ms: round(percentile(latencies, 0.5)),
    bullmq_start_latency_p99_ms: round(percentile(latencies, 0.99)),
    bullmq_enqueue_jobs_per_s: Math.round(bullmqRate.enqueuePerSecond),
  }),
);
