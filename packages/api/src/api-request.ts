import type { IncomingMessage, ServerResponse } from "node:http";
import type { RunEvent } from "@tandem/engine";
import type { ApiKeyAuthentication, AppRunService, PublishingService } from "@tandem/runner";

/** What the published API needs of Tandem. */
export interface PublishedApiServices {
  publishing: Pick<PublishingService, "authenticateApiKey" | "rateLimiter">;
  appRuns: AppRunService;
}

/** One authenticated request's context for the route handlers. */
export interface ApiRequest {
  request: IncomingMessage;
  response: ServerResponse;
  method: string;
  path: string;
  url: URL;
  caller: ApiKeyAuthentication;
  services: PublishedApiServices;
  options: { pingMs: number };
}

export type RouteHandler = (api: ApiRequest) => Promise<void>;

/** The last event of a run, once it is there. */
export type FinalEvent = Extract<RunEvent, { type: "run-end" | "run-error" }>;
export const isFinalEvent = (event: RunEvent): event is FinalEvent => event.type === "run-end" || event.type === "run-error";
