import { describe, expect, it } from "vitest";
import { isPublishingError } from "./publishing-error.ts";
import { createInProcessRateLimiter } from "./rate-limiter.ts";

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isPublishingError(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("in-process rate limiter", () => {
  it("allows rateLimitPerMin requests in any minute and says when the next one can come", async () => {
    let time = 1_000_000;
    const limiter = createInProcessRateLimiter({ now: () => time });
    const limits = { rateLimitPerMin: 3, concurrencyLimit: null };
    (await limiter.acquire("k", limits)).release();
    time += 20_000;
    (await limiter.acquire("k", limits)).release();
    (await limiter.acquire("k", limits)).release();
    const error = await refusal(limiter.acquire("k", limits));
    expect(error.code).toBe("too_many_requests");
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(40);
    // The window slides: the first request leaves it 60 s after it came.
    time += 40_000;
    (await limiter.acquire("k", limits)).release();
    expect((await refusal(limiter.acquire("k", limits))).retryAfterSeconds).toBe(20);
  });

  it("counts each key apart and refused requests not at all", async () => {
    let time = 0;
    const limiter = createInProcessRateLimiter({ now: () => time });
    const limits = { rateLimitPerMin: 1, concurrencyLimit: null };
    (await limiter.acquire("a", limits)).release();
    (await limiter.acquire("b", limits)).release();
    await refusal(limiter.acquire("a", limits));
    time += 59_999;
    await refusal(limiter.acquire("a", limits));
    time += 1;
    (await limiter.acquire("a", limits)).release();
  });

  it("gates concurrency until a lease is released, and a second release changes nothing", async () => {
    const limiter = createInProcessRateLimiter({ now: () => 0 });
    const limits = { rateLimitPerMin: null, concurrencyLimit: 2 };
    const first = await limiter.acquire("k", limits);
    const second = await limiter.acquire("k", limits);
    const error = await refusal(limiter.acquire("k", limits));
    expect(error.code).toBe("too_many_requests");
    expect(error.retryAfterSeconds).toBe(1);
    first.release();
    first.release();
    const third = await limiter.acquire("k", limits);
    await refusal(limiter.acquire("k", limits));
    second.release();
    third.release();
  });

  it("does not limit a key without limits", async () => {
    const limiter = createInProcessRateLimiter({ now: () => 0 });
    const leases = await Promise.all(Array.from({ length: 500 }, () => limiter.acquire("k", { rateLimitPerMin: null, concurrencyLimit: null })));
    for (const lease of leases) lease.release();
  });
});
