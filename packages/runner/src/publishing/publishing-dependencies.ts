import type { PrismaClient, SecretBox } from "@tandem/db";
import type { EngineServicesFactory } from "../runs/engine-services.ts";

/** What the publishing functions need, given once at composition. */
export interface PublishingDependencies {
  prisma: PrismaClient;
  /**
   * The workspace's engine services, so validation at publish time knows which models are local (a
   * private app may use only those). Without it, private apps' model references are not checked here
   * (the run checks them again).
   */
  servicesFor?: EngineServicesFactory;
  /** Derives each key's callback signing secret; without it, keys are created without one. */
  secrets?: SecretBox;
  /** The clock; tests inject one. */
  now?: () => Date;
}
