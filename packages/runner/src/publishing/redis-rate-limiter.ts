import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { defineRedisScript } from "../redis/redis-script.ts";
import { tooManyRequests, type KeyLimits, type RateLimitLease, type RateLimiter } from "./rate-limiter.ts";

const WINDOW_MS = 60_000;
/** How long a concurrency slot outlives the last sign of life of the process holding it. */
const DEFAULT_LEASE_TTL_MS = 30_000;

/**
 * One atomic check-and-take for a key. KEYS: the request log (sorted set: request id → start time) and
 * the leases (sorted set: lease id → expiry). ARGV: now (ms; negative: Redis's own clock), window ms,
 * rate limit (-1: none), concurrency limit (-1: none), request id, lease id, lease TTL ms.
 * Returns {0, 0} when taken, {1, ms until the window frees a slot}, or {2, 0} when every slot is held.
 * Nothing is written for a refused request.
 */
const acquireScript = defineRedisScript(`
local now = tonumber(ARGV[1])
if now < 0 then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local window = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local concurrency = tonumber(ARGV[4])
local ttl = tonumber(ARGV[7])
if rate >= 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  local count = redis.call('ZCARD', KEYS[1])
  if count >= rate then
    -- The window frees a slot when the request rate places back from the newest leaves it.
    local entry = redis.call('ZRANGE', KEYS[1], count - rate, count - rate, 'WITHSCORES')
    local started = tonumber(entry[2]) or now
    return {1, started + window - now}
  end
end
if concurrency >= 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= concurrency then
    return {2, 0}
  end
end
if rate >= 0 then
  redis.call('ZADD', KEYS[1], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[1], window)
end
if concurrency >= 0 then
  redis.call('ZADD', KEYS[2], now + ttl, ARGV[6])
  if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
end
return {0, 0}
`);

/** Extends a held lease (re-adding it if it had lapsed: the request still runs, so it still counts). ARGV: now, lease id, TTL ms. */
const renewScript = defineRedisScript(`
local now = tonumber(ARGV[1])
if now < 0 then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local ttl = tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
`);

export interface RedisRateLimiterOptions {
  /** A command connection; the caller owns it (closes it). */
  redis: Redis;
  /** Key prefix (TANDEM_QUEUE_PREFIX). */
  prefix: string;
  /** How long a crashed process's concurrency slot stays taken (default 30 s); held leases are renewed every third of it. */
  leaseTtlMs?: number;
  /** Tests: a fake clock. Default: Redis's clock, the same for every process. */
  now?: () => number;
}

/** A lease of the Redis limiter. `release` sends the slot back (commands on one connection stay in order). */
export interface RedisRateLimitLease extends RateLimitLease {
  /** Releases, and resolves once Redis has the slot back: for a caller that hands over to another process. */
  releaseAndWait(): Promise<void>;
}

export interface RedisRateLimiter extends RateLimiter {
  acquire(keyId: string, limits: KeyLimits): Promise<RedisRateLimitLease>;
}

/**
 * Per-key limits shared by every web process (scaled mode), behind the same interface and with the same
 * refusals as the in-process limiter. Per key, in Redis under `<prefix>:rate-limit:<keyId>:`:
 *
 * - `requests`, a sliding-window request log: a sorted set of request ids scored by start time, pruned
 *   to the last minute;
 * - `leases`, the concurrency slots: a sorted set of lease ids scored by expiry. A process renews the
 *   leases it holds, so a slot whose process crashed frees itself after `leaseTtlMs`; release removes it.
 *
 * Check and take are one Lua script, so two processes cannot both take the last slot.
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RedisRateLimiter {
  const { redis } = options;
  const leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  const clock = () => (options.now ? options.now() : -1);
  const keysOf = (keyId: string) => ({ requests: `${options.prefix}:rate-limit:${keyId}:requests`, leases: `${options.prefix}:rate-limit:${keyId}:leases` });
  const unlimited: RedisRateLimitLease = { release: () => undefined, releaseAndWait: () => Promise.resolve() };

  return {
    async acquire(keyId, limits) {
      if (limits.rateLimitPerMin === null && limits.concurrencyLimit === null) return unlimited;
      const keys = keysOf(keyId);
      const leaseId = randomUUID();
      const reply = (await acquireScript.run(
        redis,
        [keys.requests, keys.leases],
        [clock(), WINDOW_MS, limits.rateLimitPerMin ?? -1, limits.concurrencyLimit ?? -1, randomUUID(), leaseId, leaseTtlMs],
      )) as [number, number];
      const [outcome, waitMs] = reply;
      if (outcome === 1) throw tooManyRequests(limits, "rate", waitMs);
      if (outcome === 2) throw tooManyRequests(limits, "concurrency");
      if (limits.concurrencyLimit === null) return unlimited;

      const renewal = setInterval(() => {
        renewScript.run(redis, [keys.leases], [clock(), leaseId, leaseTtlMs]).catch(() => undefined);
      }, Math.max(1, Math.floor(leaseTtlMs / 3)));
      renewal.unref();
      let released: Promise<void> | null = null;
      const releaseAndWait = () => {
        if (released === null) {
          clearInterval(renewal);
          // Should this fail, the lease lapses by itself after leaseTtlMs.
          released = redis.zrem(keys.leases, leaseId).then(
            () => undefined,
            () => undefined,
          );
        }
        return released;
      };
      return {
        release() {
          void releaseAndWait();
        },
        releaseAndWait,
      };
    },
  };
}
