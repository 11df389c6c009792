import { expect, it } from "vitest";
import { isPublishingError } from "./publishing-error.ts";
import type { RateLimiter } from "./rate-limiter.ts";

export async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isPublishingError(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

/**
 * What every RateLimiter answers, on a clock the test moves: the in-process one (embedded mode) and the
 * Redis one (scaled mode) must give the same answers. Each case uses its own keys, so a limiter whose
 * state outlives one case (Redis) can be shared.
 */
export function defineRateLimiterContract(open: (now: () => number) => RateLimiter, hooks: { afterUnlimited?: (key: string) => Promise<void> } = {}): void {
  it("allows rateLimitPerMin requests in any minute and says when the next one can come", async () => {
    let time = 1_000_000;
    const limiter = open(() => time);
    const limits = { rateLimitPerMin: 3, concurrencyLimit: null };
    (await limiter.acquire("window", limits)).release();
    time += 20_000;
    (await limiter.acquire("window", limits)).release();
    (await limiter.acquire("window", limits)).release();
    const error = await refusal(limiter.acquire("window", limits));
    expect(error.code).toBe("too_many_requests");
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(40);
    expect(error.message).toBe("This key allows 3 requests a minute; slow down.");
    // The window slides: the first request leaves it 60 s after it came.
    time += 40_000;
    (await limiter.acquire("window", limits)).release();
    expect((await refusal(limiter.acquire("window", limits))).retryAfterSeconds).toBe(20);
  });

  it("counts each key apart and refused requests not at all", async () => {
    let time = 0;
    const limiter = open(() => time);
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
    const limiter = open(() => 0);
    const limits = { rateLimitPerMin: null, concurrencyLimit: 2 };
    const first = await limiter.acquire("gate", limits);
    const second = await limiter.acquire("gate", limits);
    const error = await refusal(limiter.acquire("gate", limits));
    expect(error.code).toBe("too_many_requests");
    expect(error.retryAfterSeconds).toBe(1);
    expect(error.message).toBe("This key allows 2 requests at a time; wait for one to finish.");
    first.release();
    first.release();
    const third = await limiter.acquire("gate", limits);
    await refusal(limiter.acquire("gate", limits));
    second.release();
    third.release();
  });

  it("does not limit a key without limits", async () => {
    const limiter = open(() => 0);
    const leases = await Promise.all(Array.from({ length: 500 }, () => limiter.acquire("free", { rateLimitPerMin: null, concurrencyLimit: null })));
    for (const lease of leases) lease.release();
    await hooks.afterUnlimited?.("free");
  });
}

