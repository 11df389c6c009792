import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { abortError, providerBaseUrl, untilAborted, type Limiter, type ProviderConfig } from "@tandem/engine";
import { closeRedis, defineRedisScript } from "../redis/redis-script.ts";

/** How long a slot outlives the last renewal of a worker that died holding it. */
const DEFAULT_LEASE_TTL_MS = 20_000;
/** Longest pause between two tries of a waiter (a release wakes it sooner; this catches expired leases). */
const DEFAULT_MAX_POLL_MS = 500;
const DEFAULT_FIRST_POLL_MS = 10;

/** KEYS: the leases (lease id → expiry, Redis clock). ARGV: limit, lease id, TTL ms. 1 when taken. */
const takeScript = defineRedisScript(`
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
`);

/** Extends a held lease; re-adds one that lapsed (its request is still running, so it still counts). ARGV: lease id, TTL ms. */
const renewScript = defineRedisScript(`
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
`);

/** Gives a slot back and wakes the waiters of every process. ARGV: lease id, wake-up channel. */
const releaseScript = defineRedisScript(`
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], '1')
return 1
`);

export interface RedisSemaphoreOptions {
  /** A command connection; the caller owns it. */
  redis: Redis;
  /** The sorted set of leases; its wake-up channel is `<key>:released`. */
  key: string;
  limit: number;
  /** Wake-ups on release; without them waiters only poll. */
  wakeups?: Wakeups;
  /** How long a dead holder keeps its slot (default 20 s); held leases are renewed every third of it. */
  leaseTtlMs?: number;
  /** Longest pause between tries while waiting (default 500 ms). */
  maxPollMs?: number;
  /** First pause, doubled on each try up to `maxPollMs` (default 10 ms). */
  firstPollMs?: number;
}

/**
 * A concurrency limit shared by every process that uses the same key: a counting semaphore in Redis.
 * A slot is a lease, a member of a sorted set scored by its expiry on Redis's clock; a holder renews it
 * every third of its TTL, so a worker that dies holding one frees it within the TTL. Taking a slot prunes
 * expired leases and counts in one Lua script. A waiter tries again when a release is published on the
 * key's channel, and otherwise after a pause that doubles from 10 ms up to 500 ms (with jitter), so
 * it never spins. Waiters are not served in order across processes. `active` and `waiting` count this
 * process's callers only.
 */
export function createRedisSemaphore(options: RedisSemaphoreOptions): Limiter {
  const { redis, key, limit } = options;
  const channel = `${key}:released`;
  const leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  const maxPollMs = options.maxPollMs ?? DEFAULT_MAX_POLL_MS;
  const firstPollMs = Math.min(options.firstPollMs ?? DEFAULT_FIRST_POLL_MS, maxPollMs);
  let active = 0;
  let waiting = 0;

  const take = async (leaseId: string) => (await takeScript.run(redis, [key], [limit, leaseId, leaseTtlMs])) === 1;
  const release = (leaseId: string) => releaseScript.run(redis, [key], [leaseId, channel]).then(
    () => undefined,
    // The lease lapses by itself after its TTL.
    () => undefined,
  );

  async function acquire(signal: AbortSignal | undefined): Promise<string> {
    const leaseId = randomUUID();
    if (signal?.aborted) throw abortError(signal);
    if (await take(leaseId)) return afterTake(leaseId, signal);
    let wake: (() => void) | null = null;
    const watch = options.wakeups?.watch(channel, () => wake?.());
    try {
      if (watch) await (signal ? untilAborted(watch.ready.catch(() => undefined), signal) : watch.ready.catch(() => undefined));
      let pause = firstPollMs;
      for (;;) {
        if (await take(leaseId)) return afterTake(leaseId, signal);
        if (signal?.aborted) throw abortError(signal);
        const woken = await new Promise<boolean>((resolve, reject) => {
          const timer = setTimeout(() => done(false), pause / 2 + Math.random() * pause);
          const onAbort = () => {
            clearTimeout(timer);
            wake = null;
            reject(abortError(signal));
          };
          const done = (byRelease: boolean) => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
            wake = null;
            resolve(byRelease);
          };
          wake = () => done(true);
          signal?.addEventListener("abort", onAbort, { once: true });
        });
        pause = woken ? firstPollMs : Math.min(pause * 2, maxPollMs);
      }
    } finally {
      watch?.stop();
    }
  }

  /** A slot taken while the caller gave up (the script was already on its way) goes straight back. */
  async function afterTake(leaseId: string, signal: AbortSignal | undefined): Promise<string> {
    if (!signal?.aborted) return leaseId;
    await release(leaseId);
    throw abortError(signal);
  }

  return {
    async run(task, signal) {
      waiting += 1;
      let leaseId: string;
      try {
        leaseId = await acquire(signal);
      } finally {
        waiting -= 1;
      }
      active += 1;
      const renewal = setInterval(() => {
        renewScript.run(redis, [key], [leaseId, leaseTtlMs]).catch(() => undefined);
      }, Math.max(1, Math.floor(leaseTtlMs / 3)));
      renewal.unref();
      try {
        return await task();
      } finally {
        clearInterval(renewal);
        active -= 1;
        await release(leaseId);
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return waiting;
    },
  };
}

/** Release notices from Redis pub/sub, one subscribing connection per process, a channel subscribed while someone here waits on it. */
export interface Wakeups {
  watch(channel: string, onWake: () => void): { ready: Promise<void>; stop(): void };
  close(): Promise<void>;
}

export function createRedisWakeups(redis: Redis): Wakeups {
  let subscriber: Redis | null = null;
  const watchers = new Map<string, { callbacks: Set<{ onWake: () => void }>; ready: Promise<void> }>();
  let closed = false;

  const connection = () => {
    if (subscriber === null) {
      subscriber = redis.duplicate({ lazyConnect: true, maxRetriesPerRequest: null });
      subscriber.on("error", () => undefined);
      subscriber.on("message", (name: string) => {
        for (const entry of [...(watchers.get(name)?.callbacks ?? [])]) entry.onWake();
      });
    }
    return subscriber;
  };

  return {
    watch(channel, onWake) {
      if (closed) return { ready: Promise.resolve(), stop: () => undefined };
      const client = connection();
      let watcher = watchers.get(channel);
      if (watcher === undefined) {
        const ready = client.subscribe(channel).then(() => undefined);
        ready.catch(() => undefined);
        watcher = { callbacks: new Set(), ready };
        watchers.set(channel, watcher);
      }
      const current = watcher;
      const entry = { onWake };
      current.callbacks.add(entry);
      return {
        ready: current.ready,
        stop() {
          if (!current.callbacks.delete(entry) || current.callbacks.size > 0 || watchers.get(channel) !== current) return;
          watchers.delete(channel);
          if (!closed) client.unsubscribe(channel).catch(() => undefined);
        },
      };
    },
    async close() {
      closed = true;
      watchers.clear();
      if (subscriber) await closeRedis(subscriber);
    },
  };
}

export interface EndpointLimiters {
  /**
   * The limit shared by every worker for this provider's endpoint in this workspace, or undefined when the
   * provider has none to share: the embedded runtime (it runs inside each process) or no `maxConcurrency`.
   */
  limiterFor(workspaceId: string, provider: ProviderConfig): Limiter | undefined;
  close(): Promise<void>;
}

export interface RedisEndpointLimitersOptions {
  /** A command connection; the caller owns it. A second, subscribing one is opened from it when someone waits. */
  redis: Redis;
  /** Key prefix (TANDEM_QUEUE_PREFIX). */
  prefix: string;
  leaseTtlMs?: number;
  maxPollMs?: number;
}

/**
 * Scaled mode's per-endpoint concurrency limits: one Redis semaphore per workspace and endpoint origin
 * (scheme, host and port of the provider's base URL), `<prefix>:endpoint-limit:<workspaceId>:<origin>`.
 * Keyed by origin, two providers on one server (Ollama's native API and its `/v1` API, say, or two
 * names for one vLLM) share its slots; each enforces its own `maxConcurrency` against the shared count.
 * Workspaces do not share slots: their providers, keys and quotas are their own.
 */
export function createRedisEndpointLimiters(options: RedisEndpointLimitersOptions): EndpointLimiters {
  const wakeups = createRedisWakeups(options.redis);
  const limiters = new Map<string, Limiter>();
  return {
    limiterFor(workspaceId, provider) {
      const limit = provider.settings.maxConcurrency;
      if (provider.kind === "local" || limit === undefined) return undefined;
      const origin = endpointOrigin(provider);
      if (origin === undefined) return undefined;
      const key = `${options.prefix}:endpoint-limit:${workspaceId}:${origin}`;
      const cacheKey = `${key}\u0000${limit}`;
      let limiter = limiters.get(cacheKey);
      if (limiter === undefined) {
        limiter = createRedisSemaphore({
          redis: options.redis,
          key,
          limit,
          wakeups,
          ...(options.leaseTtlMs !== undefined ? { leaseTtlMs: options.leaseTtlMs } : {}),
          ...(options.maxPollMs !== undefined ? { maxPollMs: options.maxPollMs } : {}),
        });
        limiters.set(cacheKey, limiter);
      }
      return limiter;
    },
    close: () => wakeups.close(),
  };
}

/** `http://gpu-box:11434` for `http://gpu-box:11434/v1`; undefined when the provider has no usable base URL. */
export function endpointOrigin(provider: Pick<ProviderConfig, "name" | "kind" | "preset" | "baseUrl">): string | undefined {
  try {
    const url = new URL(providerBaseUrl(provider));
    return url.origin === "null" ? undefined : url.origin;
  } catch {
    return undefined;
  }
}
