import type { PrismaClient } from "@tandem/db";
import { workflowDocumentSchema, type WorkflowDocument } from "@tandem/engine";
import { AppRunError } from "./app-run-error.ts";

export interface PublishedApp {
  id: string;
  workspaceId: string;
  name: string;
  slug: string;
  description: string;
  kind: "workflow" | "chatflow";
  versionId: string;
  version: number;
  document: WorkflowDocument;
}

/** How long an app's latest version is reused without asking again (a publish in another process shows after at most this). */
export const LATEST_VERSION_CACHE_MS = 2_000;

/**
 * The published version a caller runs: the key's pinned version, or the app's latest. Versions are
 * immutable, so their parsed documents are kept (bounded); which version is latest is kept for 2 s, and
 * forgotten at once when this process publishes the app (`forget`).
 */
export function createAppVersions(prisma: PrismaClient, options: { maxCached?: number; latestCacheMs?: number } = {}) {
  const maxCached = options.maxCached ?? 500;
  const latestCacheMs = options.latestCacheMs ?? LATEST_VERSION_CACHE_MS;
  const documents = new Map<string, Omit<PublishedApp, "versionId" | "version"> & { version: number }>();
  const latest = new Map<string, { version: { id: string; appId: string; version: number }; expiresAt: number }>();

  async function latestVersion(appId: string) {
    const now = Date.now();
    const cached = latest.get(appId);
    if (cached && cached.expiresAt > now) return cached.version;
    const version = await prisma.appVersion.findFirst({ where: { appId }, orderBy: { version: "desc" }, select: { id: true, appId: true, version: true } });
    if (version && latestCacheMs > 0) {
      if (latest.size > maxCached) latest.clear();
      latest.set(appId, { version, expiresAt: now + latestCacheMs });
    }
    return version;
  }

  async function resolve(appId: string, pinnedVersionId: string | null): Promise<PublishedApp> {
    const pinned = pinnedVersionId ? documents.get(pinnedVersionId) : undefined;
    const version = pinnedVersionId
      ? pinned
        ? { id: pinnedVersionId, appId: pinned.id, version: pinned.version }
        : await prisma.appVersion.findUnique({ where: { id: pinnedVersionId }, select: { id: true, appId: true, version: true } })
      : await latestVersion(appId);
    if (!version || version.appId !== appId) {
      throw new AppRunError(
        "app_unavailable",
        pinnedVersionId ? "The version this key is pinned to no longer exists; create a key for a current version." : "This app has no published version yet; publish it first.",
      );
    }
    let cached = documents.get(version.id);
    if (!cached) {
      const row = await prisma.appVersion.findUnique({
        where: { id: version.id },
        select: { document: true, app: { select: { id: true, workspaceId: true, name: true, slug: true, description: true, kind: true } } },
      });
      if (!row) throw new AppRunError("app_unavailable", "This app's published version was removed; publish it again.");
      const parsed = workflowDocumentSchema.safeParse(row.document);
      if (!parsed.success) throw new AppRunError("app_unavailable", "This app's published version cannot be read by this Tandem version; publish it again.");
      cached = { ...row.app, document: parsed.data, version: version.version };
      documents.set(version.id, cached);
      if (documents.size > maxCached) documents.delete(documents.keys().next().value ?? "");
    }
    return { ...cached, versionId: version.id };
  }

  return Object.assign(resolve, { forget: (appId: string) => void latest.delete(appId) });
}

export type ResolvePublishedApp = ReturnType<typeof createAppVersions>;
