import { waitFor } from "@tandem/testkit";
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { JobHandlers, JobQueue, JobSnapshot, JobStatus } from "./job-queue.ts";
import { isQueueError } from "./queue-error.ts";

/** The catalog the contract suite runs: small jobs whose behaviour each payload steers. */
export const contractCatalog = {
  echo: z.object({ value: z.string() }),
  sleep: z.object({ ms: z.number().int().nonnegative() }),
  flaky: z.object({ key: z.string(), failTimes: z.number().int().nonnegative() }),
  progress: z.object({ key: z.string() }),
};
export type ContractCatalog = typeof contractCatalog;

/**
 * The job-queue contract: every adapter must pass this same suite.
 * `makeQueue(scope)` returns a new queue handle; handles made with the same scope must see the same jobs
 * (for BullMQ: the same Redis prefix), and different scopes must not. The suite closes what it made.
 */
export function defineJobQueueContract(
  adapterName: string,
  makeQueue: (scope: string) => Promise<JobQueue<ContractCatalog>>,
): void {
  describe(`job queue contract: ${adapterName}`, () => {
    const opened: Array<JobQueue<ContractCatalog>> = [];
    let scope = "";
    beforeEach(() => {
      scope = randomUUID();
    });
    const fresh = async () => {
      const queue = await makeQueue(scope);
      opened.push(queue);
      return queue;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((queue) => queue.close({ timeoutMs: 200 })));
    });

    function handlers(overrides: Partial<JobHandlers<ContractCatalog>> = {}): JobHandlers<ContractCatalog> {
      const failures = new Map<string, number>();
      return {
        echo: async ({ value }) => ({ echoed: value }),
        sleep: async ({ ms }, { signal }) => {
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(resolve, ms);
            signal.addEventListener("abort", () => {
              clearTimeout(timer);
              reject(new Error("aborted"));
            });
          });
          return { slept: ms };
        },
        flaky: async ({ key, failTimes }, { attempt }) => {
          const failed = failures.get(key) ?? 0;
          if (failed < failTimes) {
            failures.set(key, failed + 1);
            throw new Error(`planned failure ${failed + 1} on attempt ${attempt}`);
          }
          return { attempt };
        },
        progress: async (_payload, { reportProgress, signal }) => {
          await reportProgress(50);
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 5_000);
            signal.addEventListener("abort", () => {
              clearTimeout(timer);
              resolve();
            });
          });
          return "done";
        },
        ...overrides,
      };
    }

    const until = (queue: JobQueue<ContractCatalog>, id: string, statuses: JobStatus[], timeoutMs = 10_000) =>
      waitFor<JobSnapshot>(
        async () => {
          const job = await queue.getJob(id);
          return job && statuses.includes(job.status) ? job : undefined;
        },
        { timeoutMs, what: `job ${id} to reach ${statuses.join("/")}` },
      );

    it("runs a job and keeps its result", async () => {
      const queue = await fresh();
      await queue.process(handlers(), { concurrency: 2 });
      const id = await queue.enqueue("echo", { value: "hello" });
      const job = await until(queue, id, ["completed"]);
      expect(job).toMatchObject({ id, name: "echo", status: "completed", attemptsMade: 1, result: { echoed: "hello" } });
      expect(job.finishedAt).toBeGreaterThanOrEqual(job.createdAt);
    });

    it("refuses an invalid payload at enqueue, naming the field", async () => {
      const queue = await fresh();
      const error: unknown = await queue.enqueue("echo", { value: 42 } as never).catch((caught: unknown) => caught);
      expect(isQueueError(error) && error.code).toBe("invalid_payload");
      expect(String(error)).toContain("value");
    });

    it("refuses a job name the catalog does not have", async () => {
      const queue = await fresh();
      const error: unknown = await queue.enqueue("nope" as "echo", { value: "x" }).catch((caught: unknown) => caught);
      expect(isQueueError(error) && error.code).toBe("unknown_job");
    });

    it("never runs more jobs at once than its concurrency", async () => {
      const queue = await fresh();
      let running = 0;
      let peak = 0;
      await queue.process(
        handlers({
          sleep: async ({ ms }) => {
            running += 1;
            peak = Math.max(peak, running);
            await new Promise((resolve) => setTimeout(resolve, ms));
            running -= 1;
            return null;
          },
        }),
        { concurrency: 3 },
      );
      const ids = await queue.enqueueMany(Array.from({ length: 12 }, () => ({ name: "sleep" as const, payload: { ms: 40 } })));
      await Promise.all(ids.map((id) => until(queue, id, ["completed"])));
      expect(peak).toBe(3);
    });

    it("retries a failing job with backoff until it succeeds", async () => {
      const queue = await fresh();
      const attemptsSeen: number[] = [];
      const base = handlers();
      await queue.process(
        handlers({
          flaky: async (payload, context) => {
            attemptsSeen.push(Date.now());
            return base.flaky(payload, context);
          },
        }),
        { concurrency: 1 },
      );
      const id = await queue.enqueue("flaky", { key: "a", failTimes: 2 }, { attempts: 3, backoff: { type: "fixed", delayMs: 150 } });
      const job = await until(queue, id, ["completed"]);
      expect(job.result).toEqual({ attempt: 3 });
      expect(job.attemptsMade).toBe(3);
      expect(attemptsSeen).toHaveLength(3);
      for (let index = 1; index < attemptsSeen.length; index += 1) {
        expect((attemptsSeen[index] ?? 0) - (attemptsSeen[index - 1] ?? 0)).toBeGreaterThanOrEqual(140);
      }
    });

    it("fails a job for good once its tries are spent, keeping the error", async () => {
      const queue = await fresh();
      await queue.process(handlers(), { concurrency: 1 });
      const id = await queue.enqueue("flaky", { key: "b", failTimes: 5 }, { attempts: 2, backoff: { type: "fixed", delayMs: 10 } });
      const job = await until(queue, id, ["failed"]);
      expect(job.attemptsMade).toBe(2);
      expect(job.error).toBe("planned failure 2 on attempt 2");
    });

    it("makes progress visible while a job runs", async () => {
      const queue = await fresh();
      await queue.process(handlers(), { concurrency: 1 });
      const id = await queue.enqueue("progress", { key: "p" });
      const job = await waitFor(async () => {
        const snapshot = await queue.getJob(id);
        return snapshot?.progress === 50 ? snapshot : undefined;
      });
      expect(job.status).toBe("active");
      await queue.cancel(id);
    });

    it("treats a repeated job id as the same job", async () => {
      const queue = await fresh();
      const first = await queue.enqueue("echo", { value: "one" }, { jobId: "same-id" });
      const second = await queue.enqueue("echo", { value: "two" }, { jobId: "same-id" });
      expect(second).toBe(first);
      await queue.process(handlers(), { concurrency: 1 });
      const job = await until(queue, first, ["completed"]);
      expect(job.result).toEqual({ echoed: "one" });
    });

    it("cancels a waiting job so it never runs", async () => {
      const queue = await fresh();
      const id = await queue.enqueue("echo", { value: "never" });
      expect(await queue.cancel(id)).toBe(true);
      let ran = false;
      await queue.process(
        handlers({
          echo: async () => {
            ran = true;
            return null;
          },
        }),
        { concurrency: 1 },
      );
      const marker = await queue.enqueue("sleep", { ms: 1 });
      await until(queue, marker, ["completed"]);
      expect(ran).toBe(false);
      expect((await queue.getJob(id))?.status).toBe("cancelled");
    });

    it("cancels a running job through its abort signal, without retrying it", async () => {
      const queue = await fresh();
      let starts = 0;
      const base = handlers();
      await queue.process(
        handlers({
          sleep: async (payload, context) => {
            starts += 1;
            return base.sleep(payload, context);
          },
        }),
        { concurrency: 1 },
      );
      const id = await queue.enqueue("sleep", { ms: 10_000 }, { attempts: 3, backoff: { type: "fixed", delayMs: 10 } });
      await until(queue, id, ["active"]);
      expect(await queue.cancel(id)).toBe(true);
      const job = await until(queue, id, ["cancelled"]);
      expect(job.status).toBe("cancelled");
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(starts).toBe(1);
      expect(await queue.cancel(id)).toBe(false);
    });

    it("on close, lets the job in flight finish and takes no new ones", async () => {
      const queue = await fresh();
      await queue.process(handlers(), { concurrency: 1 });
      const inFlight = await queue.enqueue("sleep", { ms: 300 });
      const queued = await queue.enqueue("echo", { value: "later" });
      await until(queue, inFlight, ["active"]);
      await queue.close({ timeoutMs: 5_000 });
      const observer = await fresh();
      expect((await observer.getJob(inFlight))?.status ?? (await queue.getJob(inFlight))?.status).toBe("completed");
      expect((await observer.getJob(queued))?.status ?? (await queue.getJob(queued))?.status).toBe("waiting");
    });

    it("on close past its grace period, returns the job in flight to the queue without spending a try", async () => {
      const queue = await fresh();
      await queue.process(handlers(), { concurrency: 1 });
      const id = await queue.enqueue("sleep", { ms: 10_000 });
      await until(queue, id, ["active"]);
      await queue.close({ timeoutMs: 100 });
      const observer = await fresh();
      const job = (await observer.getJob(id)) ?? (await queue.getJob(id));
      expect(job?.status).toBe("waiting");
      expect(job?.attemptsMade).toBe(0);
    });
  });
}
