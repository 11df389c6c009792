import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";

export type { PrismaClient };

export interface PrismaClientOptions {
  /** Pool size. Embedded Postgres runs one query at a time, so a small pool is enough there. */
  maxConnections?: number;
}

/** A Prisma client over node-postgres (`@prisma/adapter-pg`), for real PostgreSQL and embedded PGlite alike. */
export function createPrismaClient(url: string, options: PrismaClientOptions = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: options.maxConnections ?? 10 });
  return new PrismaClient({ adapter });
}
