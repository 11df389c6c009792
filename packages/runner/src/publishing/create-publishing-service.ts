import { hashApiKey } from "@tandem/db";
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey, type ApiKeyAuthentication } from "./api-keys.ts";
import { listVersions, publishApp } from "./publish-app.ts";
import type { PublishingDependencies } from "./publishing-dependencies.ts";
import { createInProcessRateLimiter, type RateLimiter } from "./rate-limiter.ts";

type Tail<F> = F extends (dependencies: PublishingDependencies, ...rest: infer R) => infer T ? (...rest: R) => T : never;

/**
 * Publishing as one object for the API routes and the CLI: versions and app API keys. Every function but
 * `authenticateApiKey` takes the workspace id first and never reaches another workspace's rows.
 */
export interface PublishingService {
  publishApp: Tail<typeof publishApp>;
  listVersions: Tail<typeof listVersions>;
  createApiKey: Tail<typeof createApiKey>;
  listApiKeys: Tail<typeof listApiKeys>;
  revokeApiKey: Tail<typeof revokeApiKey>;
  authenticateApiKey: Tail<typeof authenticateApiKey>;
  /** Per-key rate and concurrency limits for published-API requests. */
  readonly rateLimiter: RateLimiter;
}

/** How long a key's authentication is reused without reading it again (a revocation elsewhere takes at most this long). */
export const AUTHENTICATION_CACHE_MS = 2_000;

export function createPublishingService(
  dependencies: PublishingDependencies & {
    rateLimiter?: RateLimiter;
    /** Told when an app gets a new version, so that callers of its latest version see it at once. */
    onPublished?: (appId: string) => void;
    authenticationCacheMs?: number;
  },
): PublishingService {
  const bind =
    <R extends unknown[], T>(operation: (dependencies: PublishingDependencies, ...rest: R) => T) =>
    (...rest: R): T =>
      operation(dependencies, ...rest);
  // Every published-API request authenticates: a key's answer is kept briefly, by the key's hash (never
  // the key), and dropped at once when this process revokes it.
  const cacheMs = dependencies.authenticationCacheMs ?? AUTHENTICATION_CACHE_MS;
  const authenticated = new Map<string, { result: ApiKeyAuthentication; expiresAt: number }>();
  return {
    async publishApp(workspaceId, appId, input) {
      const version = await publishApp(dependencies, workspaceId, appId, input);
      dependencies.onPublished?.(appId);
      return version;
    },
    listVersions: bind(listVersions),
    createApiKey: bind(createApiKey),
    listApiKeys: bind(listApiKeys),
    async revokeApiKey(workspaceId, keyId) {
      const revoked = await revokeApiKey(dependencies, workspaceId, keyId);
      for (const [hash, entry] of authenticated) if (entry.result.keyId === keyId) authenticated.delete(hash);
      return revoked;
    },
    async authenticateApiKey(bearerToken) {
      const hash = hashApiKey(bearerToken.replace(/^Bearer\s+/i, "").trim());
      const now = Date.now();
      const cached = authenticated.get(hash);
      if (cached && cached.expiresAt > now) return cached.result;
      const result = await authenticateApiKey(dependencies, bearerToken);
      if (cacheMs > 0) {
        if (authenticated.size > 10_000) authenticated.clear();
        authenticated.set(hash, { result, expiresAt: now + cacheMs });
      }
      return result;
    },
    rateLimiter: dependencies.rateLimiter ?? createInProcessRateLimiter(),
  };
}
