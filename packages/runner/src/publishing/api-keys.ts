import { generateApiKey, hashApiKey } from "@tandem/db";
import { z } from "zod";
import { requireApp } from "./publish-app.ts";
import type { PublishingDependencies } from "./publishing-dependencies.ts";
import { PublishingError } from "./publishing-error.ts";
import type { KeyLimits } from "./rate-limiter.ts";
import { callbackSecretFor } from "./callback-signature.ts";

/** A key as lists show it: never the key itself nor its hash. */
export interface ApiKeyView {
  id: string;
  appId: string | null;
  appVersionId: string | null;
  name: string;
  prefix: string;
  rateLimitPerMin: number | null;
  concurrencyLimit: number | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

/** What a presented key may do: the app (and pinned version, if any) it calls and its limits. */
export interface ApiKeyAuthentication {
  workspaceId: string;
  appId: string;
  appVersionId: string | null;
  keyId: string;
  limits: KeyLimits;
}

export const apiKeyInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  appVersionId: z.string().uuid().optional(),
  rateLimitPerMin: z.number().int().min(1).max(1_000_000).optional(),
  concurrencyLimit: z.number().int().min(1).max(10_000).optional(),
});
export type ApiKeyInput = z.infer<typeof apiKeyInputSchema>;

const viewSelect = {
  id: true,
  appId: true,
  appVersionId: true,
  name: true,
  prefix: true,
  rateLimitPerMin: true,
  concurrencyLimit: true,
  lastUsedAt: true,
  revokedAt: true,
  createdAt: true,
} as const;

const uuid = z.string().uuid();
/** lastUsedAt is a hint for users, not an audit log: one write a minute per key at most. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Creates a key for one app, optionally pinned to one of its published versions. The returned `key` is
 * the only time the whole key exists outside the caller: only its SHA-256 hash is stored. With it comes
 * `callbackSecret`, which signs the completion callbacks of runs the key starts (derived, not stored).
 */
export async function createApiKey(
  dependencies: PublishingDependencies,
  workspaceId: string,
  appId: string,
  input: ApiKeyInput,
): Promise<ApiKeyView & { key: string; callbackSecret?: string }> {
  const parsed = apiKeyInputSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`);
    throw new PublishingError("invalid_input", `Invalid API key: ${issues.join("; ")}`, { details: { issues: parsed.error.issues } });
  }
  await requireApp(dependencies, workspaceId, appId);
  if (parsed.data.appVersionId !== undefined) {
    const version = await dependencies.prisma.appVersion.findFirst({ where: { id: parsed.data.appVersionId, appId, workspaceId }, select: { id: true } });
    if (!version) throw new PublishingError("invalid_input", `Version ${parsed.data.appVersionId} is not a published version of this app; pin one of its versions.`);
  }
  const generated = generateApiKey("app");
  const row = await dependencies.prisma.apiKey.create({
    data: {
      workspaceId,
      appId,
      appVersionId: parsed.data.appVersionId ?? null,
      name: parsed.data.name,
      prefix: generated.prefix,
      keyHash: generated.hash,
      rateLimitPerMin: parsed.data.rateLimitPerMin ?? null,
      concurrencyLimit: parsed.data.concurrencyLimit ?? null,
    },
    select: viewSelect,
  });
  return { ...row, key: generated.key, ...(dependencies.secrets ? { callbackSecret: callbackSecretFor(dependencies.secrets, row.id) } : {}) };
}

/** The app's keys, revoked ones included, newest first. */
export async function listApiKeys(dependencies: PublishingDependencies, workspaceId: string, appId: string): Promise<ApiKeyView[]> {
  await requireApp(dependencies, workspaceId, appId);
  return dependencies.prisma.apiKey.findMany({ where: { workspaceId, appId }, orderBy: { createdAt: "desc" }, select: viewSelect });
}

/** Revokes a key for good; revoking a revoked key keeps its first revocation time. */
export async function revokeApiKey(dependencies: PublishingDependencies, workspaceId: string, keyId: string): Promise<ApiKeyView> {
  const row = uuid.safeParse(keyId).success ? await dependencies.prisma.apiKey.findFirst({ where: { id: keyId, workspaceId }, select: viewSelect }) : null;
  if (!row) throw new PublishingError("not_found", `API key ${keyId} does not exist in this workspace.`);
  if (row.revokedAt) return row;
  const now = dependencies.now?.() ?? new Date();
  await dependencies.prisma.apiKey.updateMany({ where: { id: keyId, workspaceId, revokedAt: null }, data: { revokedAt: now } });
  const updated = await dependencies.prisma.apiKey.findFirst({ where: { id: keyId, workspaceId }, select: viewSelect });
  return updated ?? { ...row, revokedAt: now };
}

/**
 * Resolves a presented key (`Bearer <key>` or the bare key) to what it may call. Unknown keys and
 * workspace-level keys are unauthorized; revoked keys are revoked.
 */
export async function authenticateApiKey(dependencies: PublishingDependencies, bearerToken: string): Promise<ApiKeyAuthentication> {
  const key = bearerToken.replace(/^Bearer\s+/i, "").trim();
  if (key === "" || key.length > 512) throw new PublishingError("unauthorized", "Send an app API key as `Authorization: Bearer <key>`.");
  const row = await dependencies.prisma.apiKey.findUnique({ where: { keyHash: hashApiKey(key) } });
  // An exact lookup by the key's hash: nothing secret is compared in the application.
  if (!row) throw new PublishingError("unauthorized", "This API key is not valid.");
  if (row.revokedAt) throw new PublishingError("revoked", "This API key has been revoked; create a new one.");
  if (row.appId === null) throw new PublishingError("unauthorized", "This key is not an app key; use a key created for the app.");
  const now = dependencies.now?.() ?? new Date();
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (row.lastUsedAt === null || row.lastUsedAt < staleBefore) {
    // The condition makes concurrent requests write once between them.
    await dependencies.prisma.apiKey.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore } }] },
      data: { lastUsedAt: now },
    });
  }
  return {
    workspaceId: row.workspaceId,
    appId: row.appId,
    appVersionId: row.appVersionId,
    keyId: row.id,
    limits: { rateLimitPerMin: row.rateLimitPerMin, concurrencyLimit: row.concurrencyLimit },
  };
}
