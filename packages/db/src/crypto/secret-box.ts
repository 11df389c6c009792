import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { chmod, link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { DatabaseError } from "../errors/database-error.ts";

const VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;

/** Seals secrets (data-source passwords, provider API keys) for storage: AES-256-GCM, authenticated. */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
  /**
   * A key for one purpose derived from the secret key (HMAC-SHA256 of the label): the same label gives
   * the same 32 bytes until the secret key changes, and nothing about the secret key or other labels.
   */
  derive(label: string): Buffer;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) {
    throw new DatabaseError("secret_invalid", `The secret key must be ${KEY_BYTES} bytes; got ${key.length}.`);
  }
  return {
    derive(label) {
      return createHmac("sha256", key).update(`tandem-derive:${label}`).digest();
    },
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(".");
    },
    open(sealed) {
      const [version, iv, tag, ciphertext] = sealed.split(".");
      if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined) {
        throw new DatabaseError("secret_invalid", "The stored secret is not in a format this version can read.");
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
      } catch (error) {
        throw new DatabaseError(
          "secret_invalid",
          "A stored secret could not be decrypted: TANDEM_SECRET_KEY differs from the key it was sealed with.",
          { cause: error },
        );
      }
    },
  };
}

/** Parses TANDEM_SECRET_KEY: 32 bytes as base64 (44 chars) or hex (64 chars). */
export function parseSecretKey(value: string): Buffer {
  const trimmed = value.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== KEY_BYTES) {
    throw new DatabaseError(
      "config_invalid",
      "TANDEM_SECRET_KEY must be 32 random bytes, base64 or hex encoded (make one with `openssl rand -base64 32`).",
    );
  }
  return key;
}

/**
 * The key from TANDEM_SECRET_KEY when set; otherwise (embedded mode) a key generated once and kept in
 * `<stateDir>/secret.key` with owner-only permissions, so sealed secrets survive restarts.
 */
export async function loadOrCreateSecretKey(options: { envValue?: string; stateDir: string }): Promise<Buffer> {
  if (options.envValue) return parseSecretKey(options.envValue);
  const keyPath = path.join(options.stateDir, "secret.key");
  try {
    return parseSecretKey(await readFile(keyPath, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(options.stateDir, { recursive: true });
  // Write the key to a private file first, then hard-link it into place: the link appears with the whole
  // key or fails because another process got there first, so no process ever reads a half-written key.
  const temporaryPath = `${keyPath}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temporaryPath, randomBytes(KEY_BYTES).toString("base64"), { mode: 0o600, flag: "wx" });
    await chmod(temporaryPath, 0o600);
    await link(temporaryPath, keyPath).catch((error: unknown) => {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    });
  } finally {
    await rm(temporaryPath, { force: true });
  }
  return parseSecretKey(await readFile(keyPath, "utf8"));
}
