import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/** A Lua script run atomically on Redis: by its SHA1 (EVALSHA), sent whole once when Redis does not know it yet. */
export interface RedisScript {
  run(redis: Redis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown>;
}

export function defineRedisScript(lua: string): RedisScript {
  const sha = createHash("sha1").update(lua).digest("hex");
  return {
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        // After a restart or SCRIPT FLUSH Redis has forgotten the script: EVAL loads and runs it.
        if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
        return redis.eval(lua, keys.length, ...keys, ...args);
      }
    },
  };
}

/** Quits a connection this code opened; one that never connected (lazyConnect) or cannot quit is just dropped. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === "wait" || redis.status === "end") {
    redis.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  // QUIT lets replies in flight arrive; a connection that is down would wait for its reconnection, so not for long.
  const quit = redis.quit().then(
    () => true,
    () => false,
  );
  const quitted = await Promise.race([quit, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 2_000)))]);
  clearTimeout(timer);
  if (!quitted) redis.disconnect();
}
