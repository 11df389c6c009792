import { randomUUID } from "node:crypto";
import { requireService, services, waitFor } from "@tandem/testkit";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createBullmqQueue } from "./bullmq-queue.ts";
import { contractCatalog, defineJobQueueContract } from "./job-queue.contract.ts";

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
