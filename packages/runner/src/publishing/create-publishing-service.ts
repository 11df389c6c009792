import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from "./api-keys.ts";
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

export function createPublishingService(dependencies: PublishingDependencies & { rateLimiter?: RateLimiter }): PublishingService {
  const bind =
    <R extends unknown[], T>(operation: (dependencies: PublishingDependencies, ...rest: R) => T) =>
    (...rest: R): T =>
      operation(dependencies, ...rest);
  return {
    publishApp: bind(publishApp),
    listVersions: bind(listVersions),
    createApiKey: bind(createApiKey),
    listApiKeys: bind(listApiKeys),
    revokeApiKey: bind(revokeApiKey),
    authenticateApiKey: bind(authenticateApiKey),
    rateLimiter: dependencies.rateLimiter ?? createInProcessRateLimiter(),
  };
}
