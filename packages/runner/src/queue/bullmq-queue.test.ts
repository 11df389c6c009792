import { randomUUID } from "node:crypto";
import { requireService, services, waitFor } from "@tandem/testkit";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createBullmqQueue } from "./bullmq-queue.ts";
import { contractCatalog, defineJobQueueContract, type ContractCatalog } from "./job-queue.contract.ts";
import type { JobHandlers } from "./job-queue.ts";
import { isQueueError } from "./queue-error.ts";

const redisUp = await requireService("redis");
const runId = randomUUID().slice(0, 8);
const prefixFor = (scope: string) => `tandem-test-${runId}-${scope}`;

describe.skipIf(!redisUp)("BullMQ adapter", () => {
  defineJobQueueContract("bullmq", async (scope) =>
    createBullmqQueue({ catalog: contractCatalog, redisUrl: services.redis.url, prefix: prefixFor(scope) }),
  );

  it("a job returned at shutdown is finished by the next worker", async () => {
    const prefix = prefixFor("handover");
    const first = createBullmqQueue({ catalog: contractCatalog, redisUrl: services.redis.url, prefix });
    let firstStarted = false;
    const never = () => new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error("late")), 10_000));
    await first.process(
      {
        echo: async () => null,
        flaky: async () => null,
        progress: async () => null,
        sleep: async (_payload, { signal }) => {
          firstStarted = true;
          await new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(new Error("aborted"))));
          return never();
        },
      },
      { concurrency: 1 },
    );
    const id = await first.enqueue("sleep", { ms: 5 });
    await waitFor(() => (firstStarted ? true : undefined));
    await first.close({ timeoutMs: 50 });

    const second = createBullmqQueue({ catalog: contractCatalog, redisUrl: services.redis.url, prefix });
    await second.process(
      {
        echo: async () => null,
        flaky: async () => null,
        progress: async () => null,
        sleep: async ({ ms }, { attempt }) => ({ ms, attempt }),
      },
      { concurrency: 1 },
    );
    const job = await waitFor(async () => {
      const snapshot = await second.getJob(id);
      return snapshot?.status === "completed" ? snapshot : undefined;
    });
    expect(job.result).toEqual({ ms: 5, attempt: 1 });
    await second.close();
  });

  /**
   * Takes the next job as a worker that then dies would: the job is active under a lock that nobody
   * renews and nobody finishes.
   */
  async function takeAndDie(prefix: string, lockDurationMs: number): Promise<string | undefined> {
    const dead = new Worker("tandem", null, { connection: new Redis(services.redis.url, { maxRetriesPerRequest: null }), prefix, lockDuration: lockDurationMs });
    const job = await dead.getNextJob(`dead-${randomUUID()}`);
    await dead.disconnect();
    return job?.id;
  }

  const sleepHandlers = (onSleep: (attempt: number) => void): JobHandlers<ContractCatalog> => ({
    echo: async () => null,
    flaky: async () => null,
    progress: async () => null,
    sleep: async ({ ms }, { attempt }) => {
      onSleep(attempt);
      return { ms, attempt };
    },
  });

  it("a job whose worker died (lock lapsed) is found stalled and run by another worker, without waiting for a backoff", async () => {
    const prefix = prefixFor("stalled");
    const lockDurationMs = 500;
    const producer = createBullmqQueue({ catalog: contractCatalog, redisUrl: services.redis.url, prefix, lockDurationMs });
    // A long backoff: a stalled job must not wait for it (a stall is no failed try).
    const id = await producer.enqueue("sleep", { ms: 7 }, { attempts: 3, backoff: { type: "fixed", delayMs: 60_000 } });
    expect(await takeAndDie(prefix, lockDurationMs)).toBe(id);
    expect((await producer.getJob(id))?.status).toBe("active");

    const diedAt = Date.now();
    const attempts: number[] = [];
    const survivor = createBullmqQueue({ catalog: contractCatalog, redisUrl: services.redis.url, prefix, lockDurationMs });
    await survivor.process(sleepHandlers((attempt) => attempts.push(attempt)), { concurrency: 1 });
    const job = await waitFor(
      async () => {
        const snapshot = await producer.getJob(id);
        return snapshot?.status === "completed" || snapshot?.status === "failed" ? snapshot : undefined;
      },
      { timeoutMs: 10_000, what: "the stalled job to be run again" },
    );
    const recoveredInMs = Date.now() - diedAt;
    expect(job).toMatchObject({ status: "completed", result: { ms: 7, attempt: 1 } });
    expect(attempts).toEqual([1]);
    // The lock lapses within lockDuration; two stalled checks lockDuration apart find it; margin for a busy machine.
    expect(recoveredInMs).toBeLessThan(5 * lockDurationMs + 2_000);
    await survivor.close();
    await producer.close();
  });

  it("fails a job that stalls more often than maxStalledCount allows, without running it", async () => {
    const prefix = prefixFor("stalled-twice");
    const lockDurationMs = 500;
    const queue = createBullmqQueue({ catalog: contractCatalog, redisUrl: services.redis.url, prefix, lockDurationMs, maxStalledCount: 1 });
    // The queue's one slot is kept busy, so its stalled checker returns the victim to the wait list but
    // the queue cannot take it, and a dying worker takes it again.
    let release = () => {};
    const busy = new Promise<void>((resolve) => (release = resolve));
    const ran: string[] = [];
    await queue.process(
      {
        ...sleepHandlers(() => ran.push("victim")),
        progress: async () => {
          await busy;
          return null;
        },
      },
      { concurrency: 1 },
    );
    const blocker = await queue.enqueue("progress", { key: "blocker" });
    await waitFor(async () => ((await queue.getJob(blocker))?.status === "active" ? true : undefined));
    const id = await queue.enqueue("sleep", { ms: 1 });
    for (const stall of ["first", "second"]) {
      expect(await takeAndDie(prefix, lockDurationMs)).toBe(id);
      await waitFor(async () => ((await queue.getJob(id))?.status === "waiting" ? true : undefined), { timeoutMs: 10_000, what: `the ${stall} stall to be found` });
    }
    release();
    const job = await waitFor(async () => {
      const snapshot = await queue.getJob(id);
      return snapshot?.status === "failed" ? snapshot : undefined;
    });
    expect(job.error).toMatch(/stalled more than allowable limit/);
    expect(ran).toEqual([]);
    await queue.close();
  });

  it("refuses a lock duration or stall limit it cannot work with", () => {
    for (const options of [{ lockDurationMs: 0 }, { lockDurationMs: 1.5 }, { maxStalledCount: 0 }]) {
      let error: unknown;
      try {
        createBullmqQueue({ catalog: contractCatalog, redisUrl: services.redis.url, prefix: prefixFor("invalid"), ...options });
      } catch (caught) {
        error = caught;
      }
      expect(isQueueError(error) && error.code).toBe("config_invalid");
    }
  });

  afterAll(async () => {
    const redis = new Redis(services.redis.url);
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `tandem-test-${runId}-*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
    await redis.quit();
  });
});
