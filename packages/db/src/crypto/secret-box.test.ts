import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSecretBox, loadOrCreateSecretKey, parseSecretKey } from "./secret-box.ts";

/** Flips one bit in the given dot-separated part of a sealed secret (decoded, so padding bits cannot hide it). */
function tamper(sealed: string, partIndex: number): string {
  const parts = sealed.split(".");
  const bytes = Buffer.from(parts[partIndex] ?? "", "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[partIndex] = bytes.toString("base64url");
  return parts.join(".");
}

describe("createSecretBox", () => {
  const box = createSecretBox(randomBytes(32));

  it.each(["s3cret-password", "", "ünïcode ✓ and emoji 🔑", "x".repeat(10_000)])("opens what it sealed: %#", (plaintext) => {
    expect(box.open(box.seal(plaintext))).toBe(plaintext);
  });

  it("seals the same text differently each time, without the text showing", () => {
    const first = box.seal("hunter2");
    const second = box.seal("hunter2");
    expect(first).not.toBe(second);
    expect(first).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(first).not.toContain(Buffer.from("hunter2").toString("base64url"));
  });

  it.each([
    ["the nonce", 1],
    ["the tag", 2],
    ["the ciphertext", 3],
  ])("refuses a secret whose %s was changed, with code secret_invalid", (_part, partIndex) => {
    const sealed = box.seal("s3cret-password");
    expect(() => box.open(tamper(sealed, partIndex))).toThrow(expect.objectContaining({ code: "secret_invalid" }));
  });

  it("refuses a secret sealed with another key, saying the key differs", () => {
    const sealed = createSecretBox(randomBytes(32)).seal("s3cret-password");
    expect(() => box.open(sealed)).toThrow(expect.objectContaining({ code: "secret_invalid" }));
    expect(() => box.open(sealed)).toThrow(/TANDEM_SECRET_KEY differs/);
  });

  it.each(["not a sealed secret", "v2.a.b.c", "v1.only-two"])("refuses text that is not a sealed secret: %s", (sealed) => {
    expect(() => box.open(sealed)).toThrow(expect.objectContaining({ code: "secret_invalid" }));
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(expect.objectContaining({ code: "secret_invalid" }));
  });
});

describe("parseSecretKey", () => {
  const key = randomBytes(32);

  it("reads 32 bytes written as base64 or hex, ignoring surrounding whitespace", () => {
    expect(parseSecretKey(key.toString("base64"))).toEqual(key);
    expect(parseSecretKey(`  ${key.toString("hex").toUpperCase()}\n`)).toEqual(key);
  });

  it.each([
    ["16 bytes", randomBytes(16).toString("base64")],
    ["33 bytes", randomBytes(33).toString("base64")],
    ["an empty value", ""],
    ["63 hex digits", key.toString("hex").slice(1)],
  ])("rejects %s, saying what a key is and how to make one", (_description, value) => {
    expect(() => parseSecretKey(value)).toThrow(expect.objectContaining({ code: "config_invalid" }));
    expect(() => parseSecretKey(value)).toThrow(/32 random bytes, base64 or hex .*openssl rand -base64 32/);
  });
});

describe("loadOrCreateSecretKey", () => {
  let temporaryRoot = "";

  afterEach(async () => {
    await rm(temporaryRoot, { recursive: true, force: true });
  });

  /** A state folder that does not exist yet, inside a temp folder removed after each test. */
  async function freshStateDir(): Promise<string> {
    temporaryRoot = await mkdtemp(path.join(tmpdir(), "tandem-secret-"));
    return path.join(temporaryRoot, "state");
  }

  it("creates an owner-only key file once and returns the same key afterwards", async () => {
    const dir = await freshStateDir();
    const created = await loadOrCreateSecretKey({ stateDir: dir });
    expect(created).toHaveLength(32);
    const keyPath = path.join(dir, "secret.key");
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    const written = await readFile(keyPath, "utf8");

    expect(await loadOrCreateSecretKey({ stateDir: dir })).toEqual(created);
    expect(await readFile(keyPath, "utf8")).toBe(written);
    expect(await readdir(dir)).toEqual(["secret.key"]);
  });

  it("gives every caller the same key when several start at once", async () => {
    const dir = await freshStateDir();
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSecretKey({ stateDir: dir })));
    for (const key of keys) expect(key).toEqual(keys[0]);
    expect(parseSecretKey(await readFile(path.join(dir, "secret.key"), "utf8"))).toEqual(keys[0]);
    expect(await readdir(dir)).toEqual(["secret.key"]);
  });

  it("prefers the environment's key and then writes no file", async () => {
    const dir = await freshStateDir();
    const fromEnvironment = randomBytes(32);
    expect(await loadOrCreateSecretKey({ envValue: fromEnvironment.toString("base64"), stateDir: dir })).toEqual(fromEnvironment);
    await expect(stat(path.join(dir, "secret.key"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("refuses a damaged key file instead of replacing it", async () => {
    const dir = await freshStateDir();
    await loadOrCreateSecretKey({ stateDir: dir });
    await writeFile(path.join(dir, "secret.key"), "too short");
    await expect(loadOrCreateSecretKey({ stateDir: dir })).rejects.toMatchObject({ code: "config_invalid" });
    expect(await readFile(path.join(dir, "secret.key"), "utf8")).toBe("too short");
  });
});
