import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { QueueError } from "../queue/queue-error.ts";

/**
 * Tandem's runtime configuration, read from the environment in this one place. Everything that differs
 * between embedded and scaled mode is decided here; the rest of the code receives the result.
 */
export interface RuntimeConfig {
  /** embedded: PGlite + in-process jobs. scaled: PostgreSQL + BullMQ workers. */
  mode: "embedded" | "scaled";
  version: string;
  /** Folder for local state (embedded database, secret key, uploads). */
  dataDir: string;
  database: { url: string | undefined; embeddedDir: string };
  queue:
    | { kind: "in-process" }
    | {
        kind: "bullmq";
        redisUrl: string;
        prefix: string;
        /**
         * How long a worker's lock on a running job lasts without renewal (it renews every half of it).
         * A job whose worker died is found stalled within about twice this and handed to another worker.
         */
        lockDurationMs: number;
      };
  /** Whether the web process runs jobs itself (embedded) or only enqueues them (scaled). */
  webProcessesJobs: boolean;
  jobConcurrency: number;
  /** Worker threads that parse and chunk uploaded documents (0: on the main thread). Undefined: cores − 1, 1–4. */
  parseThreads: number | undefined;
  /** Folders SQLite data sources may point into (default `<dataDir>/databases`). */
  sqliteRoots: string[];
  /**
   * Commands stdio MCP servers may run (a stdio server is a process on this machine): "any", or exact
   * commands. Default: any in embedded mode (one user, their machine), none in scaled mode.
   */
  mcpStdioCommands: "any" | string[];
  secretKey: string | undefined;
  shutdownTimeoutMs: number;
  http: { host: string; port: number };
}

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const envSchema = z.object({
  DATABASE_URL: optionalString.refine((value) => !value || /^postgres(ql)?:\/\//.test(value), {
    message: "must be a postgresql:// URL",
  }),
  REDIS_URL: optionalString.refine((value) => !value || /^rediss?:\/\//.test(value), { message: "must be a redis:// URL" }),
  TANDEM_DATA_DIR: optionalString,
  TANDEM_SECRET_KEY: optionalString,
  TANDEM_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(1000).optional(),
  TANDEM_SQLITE_ROOTS: optionalString,
  TANDEM_MCP_STDIO_COMMANDS: optionalString,
  TANDEM_PARSE_THREADS: z.coerce.number().int().min(0).max(64).optional(),
  TANDEM_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  TANDEM_QUEUE_PREFIX: z.string().trim().min(1).default("tandem"),
  TANDEM_JOB_LOCK_MS: z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    z.coerce
      .number({ message: "must be a whole number of milliseconds" })
      .int({ message: "must be a whole number of milliseconds" })
      .min(1000, { message: "must be at least 1000 ms (the lock is renewed every half of it)" })
      .max(3_600_000, { message: "must be at most 3600000 ms (one hour)" })
      .default(30_000),
  ),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
});

/** Parses the environment; every problem is reported at once with the variable to fix. */
export function resolveRuntimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new QueueError("config_invalid", `Invalid configuration: ${problems}.`);
  }
  const values = parsed.data;
  const root = findProjectRoot(process.cwd());
  const dataDir = path.resolve(root, values.TANDEM_DATA_DIR ?? ".tandem");
  const scaled = values.REDIS_URL !== undefined;
  if (scaled && !values.TANDEM_SECRET_KEY) {
    throw new QueueError(
      "config_invalid",
      "Scaled mode needs TANDEM_SECRET_KEY, the same on the web app and every worker (secrets sealed by one must open on the others). Make one with `openssl rand -base64 32`.",
    );
  }
  if (scaled && !values.DATABASE_URL) {
    throw new QueueError(
      "config_invalid",
      "REDIS_URL is set but DATABASE_URL is not: scaled mode needs a shared PostgreSQL (with pgvector) for the web app and its workers. Set DATABASE_URL, or unset REDIS_URL for embedded mode.",
    );
  }
  return {
    mode: scaled ? "scaled" : "embedded",
    version: readVersion(root),
    dataDir,
    database: { url: values.DATABASE_URL, embeddedDir: path.join(dataDir, "pgdata") },
    queue: values.REDIS_URL
      ? { kind: "bullmq", redisUrl: values.REDIS_URL, prefix: values.TANDEM_QUEUE_PREFIX, lockDurationMs: values.TANDEM_JOB_LOCK_MS }
      : { kind: "in-process" },
    webProcessesJobs: !scaled,
    jobConcurrency: values.TANDEM_JOB_CONCURRENCY ?? (scaled ? 10 : 4),
    parseThreads: values.TANDEM_PARSE_THREADS,
    sqliteRoots: values.TANDEM_SQLITE_ROOTS
      ? values.TANDEM_SQLITE_ROOTS.split(path.delimiter).filter((entry) => entry.trim() !== "").map((entry) => path.resolve(root, entry.trim()))
      : [path.join(dataDir, "databases")],
    mcpStdioCommands: parseStdioCommands(values.TANDEM_MCP_STDIO_COMMANDS, scaled),
    secretKey: values.TANDEM_SECRET_KEY,
    shutdownTimeoutMs: values.TANDEM_SHUTDOWN_TIMEOUT_MS,
    http: { host: values.HOST, port: values.PORT },
  };
}

/** `*`: any command; otherwise commands separated by commas; unset: any when embedded, none when scaled. */
function parseStdioCommands(value: string | undefined, scaled: boolean): "any" | string[] {
  if (value === undefined) return scaled ? [] : "any";
  if (value === "*") return "any";
  return value
    .split(",")
    .map((command) => command.trim())
    .filter((command) => command !== "");
}

/** The folder holding the workspace root package.json (the one with "workspaces"), else `start`. */
export function findProjectRoot(start: string): string {
  let dir = path.resolve(start);
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { workspaces?: unknown };
        if (parsed.workspaces) return dir;
      } catch {
        // Not valid JSON: keep looking upwards.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start);
    dir = parent;
  }
}

function readVersion(root: string): string {
  try {
    const manifest = z.object({ version: z.string() }).safeParse(JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")));
    return manifest.success ? manifest.data.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}
