import { createHmac } from "node:crypto";
import type { SecretBox } from "@tandem/db";

/** The header a run's completion callback carries its signature in. */
export const SIGNATURE_HEADER = "x-tandem-signature";

/**
 * The secret an app key's callbacks are signed with: derived from Tandem's secret key and the key's id,
 * so nothing more is stored, and shown once with the key.
 */
export function callbackSecretFor(secrets: SecretBox, keyId: string): string {
  return secrets.derive(`run-callback:${keyId}`).toString("base64url");
}

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: a receiver recomputes v1 with its secret,
 * compares in constant time, and refuses old timestamps (replays).
 */
export function signCallback(secret: string, body: string, timestamp: number): string {
  const digest = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${digest}`;
}
