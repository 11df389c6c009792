import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "@tandem/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, freePort, startProcess, type RunningProcess } from "../../support/processes.ts";

/**
 * `npm start` as a user runs it: no environment variables but a port and a data folder (so the test
 * does not touch the developer's own .tandem). Builds if needed, serves, answers /api/health, stops on
 * SIGTERM, and keeps its data across a restart.
 */
describe("npm start (embedded mode)", () => {
  let dataDir = "";
  let port = 0;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "tandem-start-"));
    port = await freePort();
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<RunningProcess> {
    const server = startProcess("npm", ["start"], cleanEnv({ PORT: String(port), TANDEM_DATA_DIR: dataDir }));
    await server.waitForOutput(/Tandem \S+ \(embedded\) on http:\/\/127\.0\.0\.1:\d+/, 240_000);
    return server;
  }

  async function stop(server: RunningProcess): Promise<void> {
    server.signalGroup("SIGINT");
    await server.exited;
    expect(server.output()).toContain("finishing in-flight work, then stopping");
    // The port is free again: nothing was left running.
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();
  }

  it("serves a healthy /api/health and a landing page", async () => {
    const server = await start();
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(response.status).toBe(200);
      const health = (await response.json()) as Record<string, unknown>;
      expect(health).toMatchObject({
        status: "ok",
        mode: "embedded",
        database: { ok: true, kind: "embedded" },
        queue: { ok: true, kind: "in-process", processesJobs: true },
      });
      expect(health.version).toMatch(/^\d+\.\d+\.\d+/);

      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("System status");

      // The embedded GGUF runtime as an OpenAI-compatible API, for tools on this machine.
      const models = await fetch(`http://127.0.0.1:${port}/api/local/v1/models`);
      expect(models.status).toBe(200);
      expect(await models.json()).toMatchObject({ object: "list", data: [] });
      const missing = await fetch(`http://127.0.0.1:${port}/api/local/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "nope", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { message: string } }).error.message).toContain("nope");
    } finally {
      await stop(server);
    }
  }, 300_000);

  it("keeps its data and its secret key across a restart", async () => {
    const key = await readFile(path.join(dataDir, "secret.key"), "utf8");
    // While stopped, write a row straight into the embedded database…
    const offline = await openDatabase({ dataDir: path.join(dataDir, "pgdata") });
    expect(offline.migrations.applied).toEqual([]);
    await offline.prisma.workspace.create({ data: { name: "Survivor", slug: "survivor" } });
    await offline.close();

    // …start and stop Tandem again…
    await stop(await start());

    // …and the row and the key are still there.
    expect(await readFile(path.join(dataDir, "secret.key"), "utf8")).toBe(key);
    const reopened = await openDatabase({ dataDir: path.join(dataDir, "pgdata") });
    try {
      expect(await reopened.prisma.workspace.findUnique({ where: { slug: "survivor" } })).toMatchObject({ name: "Survivor" });
    } finally {
      await reopened.close();
    }
  }, 300_000);
});
