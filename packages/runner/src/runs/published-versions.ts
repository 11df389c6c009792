import type { PrismaClient } from "@tandem/db";
import { validateWorkflow, workflowDocumentSchema, type WorkflowDocument } from "@tandem/engine";
import { AppRunError } from "../app-runs/app-run-error.ts";

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

type Validation = ReturnType<typeof validateWorkflow>;

/** One published version, read once: its app, its stored document, and (when it can be kept) its validation. */
interface VersionEntry {
  app: Omit<PublishedApp, "versionId" | "version" | "document">;
  version: number;
  stored: unknown;
  /** The document parsed for the API (kind, input form, answer nodes); undefined if this Tandem cannot read it. */
  document: WorkflowDocument | undefined;
  validation?: Validation;
}

/** How long an app's latest version is reused without asking again (a publish in another process shows after at most this). */
export const LATEST_VERSION_CACHE_MS = 2_000;

/**
 * Published versions, for the published API (which version a caller runs) and the run-workflow job
 * (the document to run). Versions are immutable: each is read and validated once per process (bounded)
 * and shared by both; which version is an app's latest is kept for 2 s, and forgotten at once when this
 * process publishes the app (`forget`). A private version is validated at every run, because which
 * models are local depends on the workspace's providers at that time.
 */
export function createPublishedVersions(prisma: PrismaClient, options: { maxCached?: number; latestCacheMs?: number } = {}) {
  const maxCached = options.maxCached ?? 500;
  const latestCacheMs = options.latestCacheMs ?? LATEST_VERSION_CACHE_MS;
  const entries = new Map<string, VersionEntry>();
  const latest = new Map<string, { id: string; expiresAt: number }>();

  async function entry(versionId: string): Promise<VersionEntry | undefined> {
    const cached = entries.get(versionId);
    if (cached) return cached;
    const row = await prisma.appVersion.findUnique({
      where: { id: versionId },
      select: { version: true, document: true, app: { select: { id: true, workspaceId: true, name: true, slug: true, description: true, kind: true } } },
    });
    if (!row) return undefined;
    const parsed = workflowDocumentSchema.safeParse(row.document);
    const created: VersionEntry = { app: row.app, version: row.version, stored: row.document, document: parsed.success ? parsed.data : undefined };
    entries.set(versionId, created);
    if (entries.size > maxCached) entries.delete(entries.keys().next().value ?? "");
    return created;
  }

  async function latestVersionId(appId: string): Promise<string | undefined> {
    const now = Date.now();
    const cached = latest.get(appId);
    if (cached && cached.expiresAt > now) return cached.id;
    const version = await prisma.appVersion.findFirst({ where: { appId }, orderBy: { version: "desc" }, select: { id: true } });
    if (version && latestCacheMs > 0) {
      if (latest.size > maxCached) latest.clear();
      latest.set(appId, { id: version.id, expiresAt: now + latestCacheMs });
    }
    return version?.id;
  }

  return {
    /** The version a caller of the app runs: the key's pinned one, or the app's latest. */
    async resolve(appId: string, pinnedVersionId: string | null): Promise<PublishedApp> {
      const versionId = pinnedVersionId ?? (await latestVersionId(appId));
      const found = versionId === undefined ? undefined : await entry(versionId);
      if (versionId === undefined || !found || found.app.id !== appId) {
        throw new AppRunError(
          "app_unavailable",
          pinnedVersionId ? "The version this key is pinned to no longer exists; create a key for a current version." : "This app has no published version yet; publish it first.",
        );
      }
      if (!found.document) throw new AppRunError("app_unavailable", "This app's published version cannot be read by this Tandem version; publish it again.");
      return { ...found.app, versionId, version: found.version, document: found.document };
    },
    /** The version's document validated for a run (undefined when the version no longer exists). */
    async validated(versionId: string, isLocalModel: (reference: string) => boolean | undefined): Promise<Validation | undefined> {
      const found = await entry(versionId);
      if (!found) return undefined;
      if (found.validation) return found.validation;
      const validation = validateWorkflow(found.stored, { isLocalModel });
      if (validation.ok && validation.document && !validation.document.settings.private) found.validation = validation;
      return validation;
    },
    /** Forgets which version of the app is latest (it was just published). */
    forget(appId: string): void {
      latest.delete(appId);
    },
  };
}

export type PublishedVersions = ReturnType<typeof createPublishedVersions>;
