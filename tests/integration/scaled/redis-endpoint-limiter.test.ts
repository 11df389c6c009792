import { Redis } from "ioredis";
import type { Limiter } from "@tandem/engine";
import { createRedisEndpointLimiters, createRedisSemaphore, createRedisWakeups, endpointOrigin, type Wakeups } from "@tandem/runner";
import { requireService, services, waitFor } from "@tandem/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteKeys, uniquePrefix } from "./support/redis-test-keys.ts";

const redisUp = await requireService("redis");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!redisUp)("the Redis endpoint limiter (a concurrency limit shared by every worker)", () => {
  const prefix = uniquePrefix("endpoint");
  // Two workers: a connection and wake-ups each.
  let redis1: Redis;
  let redis2: Redis;
  let wakeups1: Wakeups;
  let wakeups2: Wakeups;

  beforeAll(() => {
    redis1 = new Redis(services.redis.url);
    redis2 = new Redis(services.redis.url);
    wakeups1 = createRedisWakeups(redis1);
    wakeups2 = createRedisWakeups(redis2);
  });
  afterAll(async () => {
    await wakeups1?.close();
    await wakeups2?.close();
    await deleteKeys(redis1, prefix);
    await redis1?.quit();
    await redis2?.quit();
  });

  const pair = (name: string, limit: number, extra: { leaseTtlMs?: number; maxPollMs?: number; firstPollMs?: number } = {}): [Limiter, Limiter] => {
    const key = `${prefix}:${name}`;
    return [createRedisSemaphore({ redis: redis1, key, limit, wakeups: wakeups1, ...extra }), createRedisSemaphore({ redis: redis2, key, limit, wakeups: wakeups2, ...extra })];
  };

  it("two workers with limit 2 and six concurrent callers never run more than two at once", async () => {
    const [worker1, worker2] = pair("six", 2);
    let running = 0;
    let maxRunning = 0;
    const finished: number[] = [];
    const task = (index: number) => async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await sleep(60);
      running -= 1;
      finished.push(index);
      return index;
    };
    const results = await Promise.all(Array.from({ length: 6 }, (_, index) => (index % 2 === 0 ? worker1 : worker2).run(task(index))));
    expect(results).toEqual([0, 1, 2, 3, 4, 5]);
    expect(maxRunning).toBe(2);
    expect(finished).toHaveLength(6);
    expect(worker1.active + worker2.active + worker1.waiting + worker2.waiting).toBe(0);
    expect(await redis1.zcard(`${prefix}:six`)).toBe(0);
  });

  it("counts only its own callers in active and waiting", async () => {
    const [worker1, worker2] = pair("counts", 1);
    let release = () => undefined as void;
    const holding = worker1.run(() => new Promise<void>((resolve) => (release = resolve)));
    await waitFor(() => (worker1.active === 1 ? true : undefined));
    const queued = worker2.run(async () => "second");
    await waitFor(() => (worker2.waiting === 1 ? true : undefined));
    expect([worker1.active, worker1.waiting, worker2.active, worker2.waiting]).toEqual([1, 0, 0, 1]);
    release();
    await holding;
    expect(await queued).toBe("second");
    expect([worker1.active, worker1.waiting, worker2.active, worker2.waiting]).toEqual([0, 0, 0, 0]);
  });

  it("wakes a waiter in another process as soon as a slot is released, without waiting for its next poll", async () => {
    // Waiters here poll once a minute: only the wake-up can start the second caller within the test.
    const [worker1, worker2] = pair("wake", 1, { firstPollMs: 60_000, maxPollMs: 60_000 });
    let release = () => undefined as void;
    const holding = worker1.run(() => new Promise<void>((resolve) => (release = resolve)));
    await waitFor(() => (worker1.active === 1 ? true : undefined));
    let startedAt = 0;
    const queued = worker2.run(async () => {
      startedAt = Date.now();
    });
    await sleep(300);
    expect(startedAt).toBe(0);
    const releasedAt = Date.now();
    release();
    await holding;
    await queued;
    expect(startedAt - releasedAt).toBeLessThan(500);
  });

  it("frees the slot of a worker that died holding it once its lease lapses; a living holder keeps renewing", async () => {
    const crashing = new Redis(services.redis.url);
    const key = `${prefix}:dead`;
    const dying = createRedisSemaphore({ redis: crashing, key, limit: 1, leaseTtlMs: 400 });
    const survivor = createRedisSemaphore({ redis: redis2, key, limit: 1, leaseTtlMs: 400, maxPollMs: 50, wakeups: wakeups2 });

    // A living holder outlasts its TTL several times over: it renews its lease.
    let survivorStarted = false;
    const living = dying.run(() => sleep(1_300));
    await waitFor(() => (dying.active === 1 ? true : undefined));
    const behind = survivor.run(async () => {
      survivorStarted = true;
    });
    await sleep(1_000);
    expect(survivorStarted).toBe(false);
    await living;
    await behind;
    expect(survivorStarted).toBe(true);

    // Now the holder dies: its process is gone, so its lease is neither renewed nor released.
    const orphan = dying.run(() => new Promise(() => undefined));
    await waitFor(() => (dying.active === 1 ? true : undefined));
    crashing.disconnect();
    const started = Date.now();
    await survivor.run(async () => undefined);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThan(150);
    expect(waited).toBeLessThan(2_000);
    void orphan;
  });

  it("stops waiting when the caller's signal aborts, takes no slot, and leaves the queue", async () => {
    const [worker1, worker2] = pair("abort", 1);
    let release = () => undefined as void;
    const holding = worker1.run(() => new Promise<void>((resolve) => (release = resolve)));
    await waitFor(() => (worker1.active === 1 ? true : undefined));
    const controller = new AbortController();
    let ran = false;
    const waiting = worker2.run(async () => {
      ran = true;
    }, controller.signal);
    await waitFor(() => (worker2.waiting === 1 ? true : undefined));
    await sleep(100);
    const abortedAt = Date.now();
    controller.abort(new Error("client went away"));
    await expect(waiting).rejects.toThrow("client went away");
    expect(Date.now() - abortedAt).toBeLessThan(100);
    expect(worker2.waiting).toBe(0);
    release();
    await holding;
    expect(ran).toBe(false);
    expect(await redis1.zcard(`${prefix}:abort`)).toBe(0);
    // Already aborted: refused at once.
    await expect(worker2.run(async () => undefined, AbortSignal.abort())).rejects.toThrow();
    // The slot is free for the next caller.
    expect(await worker2.run(async () => "free")).toBe("free");
  });

  it("does not busy-spin while waiting", async () => {
    const [worker1] = pair("spin", 1);
    const counted = new Redis(services.redis.url);
    let scripts = 0;
    const evalsha = counted.evalsha.bind(counted) as (...args: unknown[]) => Promise<unknown>;
    (counted as unknown as { evalsha: (...args: unknown[]) => Promise<unknown> }).evalsha = (...args) => {
      scripts += 1;
      return evalsha(...args);
    };
    const worker2 = createRedisSemaphore({ redis: counted, key: `${prefix}:spin`, limit: 1 });
    let release = () => undefined as void;
    const holding = worker1.run(() => new Promise<void>((resolve) => (release = resolve)));
    await waitFor(() => (worker1.active === 1 ? true : undefined));
    const queued = Array.from({ length: 3 }, () => worker2.run(async () => undefined));
    await sleep(2_000);
    // Three waiters for two seconds, pauses doubling from 10 ms to 500 ms: about ten tries each, not thousands.
    expect(scripts).toBeGreaterThan(3);
    expect(scripts).toBeLessThan(60);
    release();
    await holding;
    await Promise.all(queued);
    await counted.quit();
  });

  it("keys the shared limit by workspace and endpoint origin; the embedded runtime and providers without maxConcurrency are not shared", () => {
    const limiters = createRedisEndpointLimiters({ redis: redis1, prefix });
    const ollama = { name: "ollama", kind: "ollama" as const, baseUrl: "http://gpu-box:11434", isLocal: true, settings: { maxConcurrency: 2 } };
    const sameServer = { name: "ollama-openai", kind: "openai_compatible" as const, baseUrl: "http://gpu-box:11434/v1", isLocal: true, settings: { maxConcurrency: 2 } };
    const otherServer = { name: "vllm", kind: "openai_compatible" as const, baseUrl: "http://gpu-box:8000/v1", isLocal: true, settings: { maxConcurrency: 2 } };
    expect(endpointOrigin(sameServer)).toBe("http://gpu-box:11434");
    expect(endpointOrigin({ name: "p", kind: "openai_compatible", preset: "vllm" })).toBe("http://127.0.0.1:8000");
    expect(limiters.limiterFor("w1", ollama)).toBe(limiters.limiterFor("w1", sameServer));
    expect(limiters.limiterFor("w1", ollama)).not.toBe(limiters.limiterFor("w1", otherServer));
    expect(limiters.limiterFor("w1", ollama)).not.toBe(limiters.limiterFor("w2", ollama));
    expect(limiters.limiterFor("w1", { ...ollama, settings: {} })).toBeUndefined();
    expect(limiters.limiterFor("w1", { name: "local", kind: "local", isLocal: true, settings: { maxConcurrency: 1 } })).toBeUndefined();
  });
});
