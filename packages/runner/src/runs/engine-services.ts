import { createGuardedHttp, createQuickJsSandbox, createUnconfiguredModelGateway, type EngineServices } from "@tandem/engine";
import { z } from "zod";

/** The part of a workspace's settings the engine's services read. */
export const workspaceEngineSettingsSchema = z
  .object({
    /** Hosts (or host:port) outbound HTTP may reach even though they are private or loopback. */
    allowedHosts: z.array(z.string()).default([]),
  })
  .passthrough();

/** The engine's ports for one workspace: guarded HTTP and the code sandbox. */
export function createEngineServices(settings: unknown): EngineServices {
  const parsed = workspaceEngineSettingsSchema.safeParse(settings ?? {});
  const allowedHosts = parsed.success ? parsed.data.allowedHosts : [];
  return { http: createGuardedHttp({ allowedHosts }), sandbox: createQuickJsSandbox(), models: createUnconfiguredModelGateway() };
}
