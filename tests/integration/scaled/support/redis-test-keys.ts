import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/** A key prefix no other test run uses, as TANDEM_QUEUE_PREFIX would be. */
export function uniquePrefix(name: string): string {
  return `tandem-test-${name}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under the prefix (what a test leaves behind). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

/** Keys under the prefix, sorted. */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
    found.push(...keys);
    cursor = next;
  } while (cursor !== "0");
  return found.sort();
}
