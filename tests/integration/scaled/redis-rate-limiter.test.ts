import { Redis } from "ioredis";
import { createRedisRateLimiter, isPublishingError } from "@tandem/runner";
import { requireService, services, waitFor } from "@tandem/testkit";
import { defineRateLimiterContract, refusal } from "../../../packages/runner/src/publishing/rate-limiter.contract.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteKeys, keysUnder, uniquePrefix } from "./support/redis-test-keys.ts";

const redisUp = await requireService("redis");

// The rate-limiter contract (the in-process limiter passes it too) against Redis, plus what only a
// shared limiter has: two processes, one key; a crashed process's slot.
describe.skipIf(!redisUp)("the Redis rate limiter (scaled mode)", () => {
  const prefix = uniquePrefix("rate");
  let redis: Redis;
  let other: Redis;

  beforeAll(() => {
    redis = new Redis(services.redis.url);
    // A second web process has its own connection.
    other = new Redis(services.redis.url);
  });
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    await redis?.quit();
    await other?.quit();
  });

  defineRateLimiterContract((now) => createRedisRateLimiter({ redis, prefix, now }), {
    // Nothing is kept in Redis for a key without limits.
    afterUnlimited: async (key) => expect(await keysUnder(redis, `${prefix}:rate-limit:${key}`)).toEqual([]),
  });

  it("shares one key's limits between two processes", async () => {
    let time = 5_000_000;
    const web1 = createRedisRateLimiter({ redis, prefix, now: () => time });
    const web2 = createRedisRateLimiter({ redis: other, prefix, now: () => time });

    const concurrency = { rateLimitPerMin: null, concurrencyLimit: 1 };
    const held = await web1.acquire("shared-gate", concurrency);
    await refusal(web2.acquire("shared-gate", concurrency));
    await held.releaseAndWait();
    const taken = await web2.acquire("shared-gate", concurrency);
    await refusal(web1.acquire("shared-gate", concurrency));
    await taken.releaseAndWait();

    const rate = { rateLimitPerMin: 4, concurrencyLimit: null };
    (await web1.acquire("shared-rate", rate)).release();
    (await web2.acquire("shared-rate", rate)).release();
    time += 10_000;
    (await web1.acquire("shared-rate", rate)).release();
    (await web2.acquire("shared-rate", rate)).release();
    expect((await refusal(web1.acquire("shared-rate", rate))).retryAfterSeconds).toBe(50);
    expect((await refusal(web2.acquire("shared-rate", rate))).retryAfterSeconds).toBe(50);
  });

  it("never lets two processes racing for the last slots past the limits", async () => {
    const web1 = createRedisRateLimiter({ redis, prefix });
    const web2 = createRedisRateLimiter({ redis: other, prefix });
    const limits = { rateLimitPerMin: 7, concurrencyLimit: 5 };
    const attempts = Array.from({ length: 40 }, (_, index) => (index % 2 === 0 ? web1 : web2).acquire("race", limits));
    const settled = await Promise.allSettled(attempts);
    const granted = settled.filter((outcome) => outcome.status === "fulfilled");
    expect(granted).toHaveLength(5);
    for (const outcome of settled) {
      if (outcome.status === "rejected") expect(isPublishingError(outcome.reason) && outcome.reason.code).toBe("too_many_requests");
    }
    for (const outcome of granted) await outcome.value.releaseAndWait();
    // Five requests are in the window; two more fit, then the minute is full.
    (await web1.acquire("race", limits)).release();
    (await web2.acquire("race", limits)).release();
    const full = await refusal(web1.acquire("race", limits));
    expect(full.message).toContain("7 requests a minute");
    // Redis's clock: the window frees up about a minute after the first request.
    expect(full.retryAfterSeconds).toBeGreaterThanOrEqual(58);
    expect(full.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it("frees the slot of a process that died holding it once its lease lapses, and renews the leases of one that lives", async () => {
    const crashing = new Redis(services.redis.url);
    const dying = createRedisRateLimiter({ redis: crashing, prefix, leaseTtlMs: 400 });
    const alive = createRedisRateLimiter({ redis: other, prefix, leaseTtlMs: 400 });
    const limits = { rateLimitPerMin: null, concurrencyLimit: 1 };

    // A live holder keeps its slot well past the TTL: it renews the lease.
    const living = await alive.acquire("crash", limits);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await refusal(dying.acquire("crash", limits));
    await living.releaseAndWait();

    const orphan = await dying.acquire("crash", limits);
    crashing.disconnect(); // the process is gone: no renewal, no release
    await refusal(alive.acquire("crash", limits));
    const started = Date.now();
    const lease = await waitFor(() => alive.acquire("crash", limits).catch(() => undefined), { timeoutMs: 5_000, intervalMs: 50, what: "the lapsed slot" });
    expect(Date.now() - started).toBeLessThan(2_000);
    lease.release();
    await orphan.releaseAndWait(); // its connection is closed: nothing happens, nothing throws
  });
});
