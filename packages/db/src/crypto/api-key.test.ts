import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateApiKey, hashApiKey, verifyApiKey } from "./api-key.ts";

describe("generateApiKey", () => {
  it("makes an app key: app- then 32 random bytes in base64url", () => {
    const { key } = generateApiKey();
    expect(key).toMatch(/^app-[A-Za-z0-9_-]{43}$/);
  });

  it("makes a workspace key when asked", () => {
    expect(generateApiKey("ws").key).toMatch(/^ws-[A-Za-z0-9_-]{43}$/);
  });

  it("stores the SHA-256 hex of the key and a short prefix of it, never the key", () => {
    const generated = generateApiKey();
    expect(generated.hash).toBe(createHash("sha256").update(generated.key).digest("hex"));
    expect(generated.hash).toBe(hashApiKey(generated.key));
    expect(generated.prefix).toMatch(/^app-[A-Za-z0-9_-]{6}$/);
    expect(generated.key.startsWith(generated.prefix)).toBe(true);
  });

  it("never makes the same key twice", () => {
    const keys = new Set(Array.from({ length: 100 }, () => generateApiKey().key));
    expect(keys.size).toBe(100);
  });
});

describe("verifyApiKey", () => {
  const generated = generateApiKey();

  it("accepts the key whose hash was stored", () => {
    expect(verifyApiKey(generated.key, generated.hash)).toBe(true);
  });

  it("rejects another key, a changed key and an empty one", () => {
    expect(verifyApiKey(generateApiKey().key, generated.hash)).toBe(false);
    expect(verifyApiKey(`${generated.key}x`, generated.hash)).toBe(false);
    expect(verifyApiKey("", generated.hash)).toBe(false);
  });

  it("rejects, without throwing, a stored hash that is not a SHA-256 hex digest", () => {
    expect(verifyApiKey(generated.key, "")).toBe(false);
    expect(verifyApiKey(generated.key, generated.hash.slice(0, 32))).toBe(false);
    expect(verifyApiKey(generated.key, "not hex at all")).toBe(false);
  });
});
