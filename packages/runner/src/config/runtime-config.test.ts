import path from "node:path";
import { describe, expect, it } from "vitest";
import { isQueueError } from "../queue/queue-error.ts";
import { findProjectRoot, resolveRuntimeConfig } from "./runtime-config.ts";

describe("resolveRuntimeConfig", () => {
  it("defaults to embedded mode: PGlite under .tandem, in-process jobs run by the web process", () => {
    const config = resolveRuntimeConfig({});
    const root = findProjectRoot(process.cwd());
    expect(config.mode).toBe("embedded");
    expect(config.dataDir).toBe(path.join(root, ".tandem"));
    expect(config.database).toEqual({ url: undefined, embeddedDir: path.join(root, ".tandem", "pgdata") });
    expect(config.queue).toEqual({ kind: "in-process" });
    expect(config.webProcessesJobs).toBe(true);
    expect(config.http).toEqual({ host: "127.0.0.1", port: 3000 });
    expect(config.jobConcurrency).toBe(4);
  });

  it("switches to scaled mode when REDIS_URL and DATABASE_URL are set", () => {
    const config = resolveRuntimeConfig({
      DATABASE_URL: "postgresql://tandem@db:5432/tandem",
      REDIS_URL: "redis://cache:6379",
      TANDEM_SECRET_KEY: "k".repeat(44),
      TANDEM_QUEUE_PREFIX: "prod",
      PORT: "8080",
    });
    expect(config.mode).toBe("scaled");
    expect(config.queue).toEqual({ kind: "bullmq", redisUrl: "redis://cache:6379", prefix: "prod", lockDurationMs: 30_000 });
    expect(config.webProcessesJobs).toBe(false);
    expect(config.jobConcurrency).toBe(10);
    expect(config.http.port).toBe(8080);
  });

  it("lets stdio MCP servers run any command when embedded, none when scaled, or the listed ones", () => {
    expect(resolveRuntimeConfig({}).mcpStdioCommands).toBe("any");
    const scaled = { DATABASE_URL: "postgresql://tandem@db:5432/tandem", REDIS_URL: "redis://cache:6379", TANDEM_SECRET_KEY: "k".repeat(44) };
    expect(resolveRuntimeConfig(scaled).mcpStdioCommands).toEqual([]);
    expect(resolveRuntimeConfig({ ...scaled, TANDEM_MCP_STDIO_COMMANDS: "*" }).mcpStdioCommands).toBe("any");
    expect(resolveRuntimeConfig({ TANDEM_MCP_STDIO_COMMANDS: "npx, /usr/local/bin/mcp-files" }).mcpStdioCommands).toEqual(["npx", "/usr/local/bin/mcp-files"]);
  });

  it("uses an external PostgreSQL with in-process jobs when only DATABASE_URL is set", () => {
    const config = resolveRuntimeConfig({ DATABASE_URL: "postgres://localhost/tandem" });
    expect(config.mode).toBe("embedded");
    expect(config.database.url).toBe("postgres://localhost/tandem");
    expect(config.queue.kind).toBe("in-process");
  });

  it("refuses scaled mode without a shared secret key", () => {
    const error = captureError(() => resolveRuntimeConfig({ REDIS_URL: "redis://127.0.0.1:6379", DATABASE_URL: "postgres://db/tandem" }));
    expect(isQueueError(error) && error.code).toBe("config_invalid");
    expect(String(error)).toContain("TANDEM_SECRET_KEY");
  });

  it("refuses REDIS_URL without DATABASE_URL and says what to set", () => {
    const error = captureError(() => resolveRuntimeConfig({ REDIS_URL: "redis://127.0.0.1:6379", TANDEM_SECRET_KEY: "k".repeat(44) }));
    expect(isQueueError(error) && error.code).toBe("config_invalid");
    expect(String(error)).toContain("DATABASE_URL");
  });

  it("reports every invalid variable at once", () => {
    const error = captureError(() => resolveRuntimeConfig({ PORT: "eighty", DATABASE_URL: "mysql://x", TANDEM_JOB_CONCURRENCY: "0" }));
    const message = String(error);
    expect(message).toContain("PORT");
    expect(message).toContain("DATABASE_URL: must be a postgresql:// URL");
    expect(message).toContain("TANDEM_JOB_CONCURRENCY");
  });

  it("takes the job lock duration from TANDEM_JOB_LOCK_MS, and refuses one too short or not a number", () => {
    const scaled = { DATABASE_URL: "postgresql://tandem@db:5432/tandem", REDIS_URL: "redis://cache:6379", TANDEM_SECRET_KEY: "k".repeat(44) };
    const lockOf = (env: NodeJS.ProcessEnv) => {
      const { queue } = resolveRuntimeConfig(env);
      return queue.kind === "bullmq" ? queue.lockDurationMs : undefined;
    };
    expect(lockOf(scaled)).toBe(30_000);
    expect(lockOf({ ...scaled, TANDEM_JOB_LOCK_MS: "2000" })).toBe(2000);
    expect(lockOf({ ...scaled, TANDEM_JOB_LOCK_MS: "" })).toBe(30_000);
    for (const [value, problem] of [
      ["500", "at least 1000"],
      ["2.5", "whole number"],
      ["soon", "whole number"],
      ["7200000", "at most 3600000"],
    ]) {
      const error = captureError(() => resolveRuntimeConfig({ ...scaled, TANDEM_JOB_LOCK_MS: value }));
      expect(isQueueError(error) && error.code).toBe("config_invalid");
      expect(String(error)).toContain(`TANDEM_JOB_LOCK_MS: must be`);
      expect(String(error)).toContain(problem);
    }
  });

  it("treats empty variables as unset", () => {
    expect(resolveRuntimeConfig({ DATABASE_URL: "", REDIS_URL: " " }).mode).toBe("embedded");
  });
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
