import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export interface GeneratedApiKey {
  /** The whole key: shown to the user once, never stored. */
  key: string;
  /** The first characters, stored and shown in lists. */
  prefix: string;
  /** SHA-256 hex of the key: what is stored and looked up. */
  hash: string;
}

/**
 * Makes an API key: `<kind>-` then 32 random bytes in base64url. The key carries 256 bits of entropy,
 * so a fast hash (SHA-256) is safe to store: there is nothing to brute-force.
 */
export function generateApiKey(kind: "app" | "ws" = "app"): GeneratedApiKey {
  const key = `${kind}-${randomBytes(32).toString("base64url")}`;
  return { key, prefix: key.slice(0, kind.length + 7), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Constant-time comparison of a presented key with a stored hash. */
export function verifyApiKey(key: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiKey(key), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
