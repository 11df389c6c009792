import { createPrismaClient, type PrismaClient } from "./client/create-prisma-client.ts";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded/embedded-postgres.ts";
import { runMigrations, type MigrationResult } from "./migrate/run-migrations.ts";

export interface DatabaseOptions {
  /** A PostgreSQL URL (the database needs the pgvector extension available). Unset: embedded PGlite. */
  url?: string | undefined;
  /** Embedded mode only: where PGlite keeps its files (`memory://` for a throwaway database). */
  dataDir: string;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  maxConnections?: number;
}

export interface Database {
  readonly prisma: PrismaClient;
  /** The URL in use (for embedded mode, the loopback socket pglite-socket serves). */
  readonly url: string;
  readonly kind: "postgres" | "embedded";
  readonly migrations: MigrationResult;
  close(): Promise<void>;
}

/**
 * Opens Tandem's database: the PostgreSQL at `url`, or embedded PGlite served on loopback when no URL
 * is given. Either way the rest of the code sees the same Prisma client over the Postgres protocol.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | null = null;
  let url = options.url;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: options.dataDir });
    url = embedded.url;
  }
  try {
    const migrations =
      options.migrate === false ? { applied: [], alreadyApplied: [] } : await runMigrations(url);
    // Embedded Postgres executes one query at a time: a few connections are plenty.
    const prisma = createPrismaClient(url, { maxConnections: options.maxConnections ?? (embedded ? 4 : 10) });
    return {
      prisma,
      url,
      kind: embedded ? "embedded" : "postgres",
      migrations,
      async close() {
        await prisma.$disconnect();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

export interface DatabaseHealth {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export async function checkDatabaseHealth(prisma: PrismaClient): Promise<DatabaseHealth> {
  const started = performance.now();
  try {
    await prisma.$queryRaw`SELECT 1`;
    return { ok: true, latencyMs: round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: round(performance.now() - started), error: error instanceof Error ? error.message : String(error) };
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
