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
  // Prisma's default (5 s to finish a transaction, 2 s to start one) counts time spent waiting: embedded
  // Postgres runs one statement at a time, so under a burst of ingestion an upload of a thousand files
  // can wait longer than that without anything being wrong.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 30_000, timeout: 120_000 } });
}
