import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createJobHandlers, createRun, createTandem, resolveRuntimeConfig, type Tandem } from "@tandem/runner";
import { validateWorkflow } from "@tandem/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("a run whose job gives up", () => {
  let dataDir = "";
  let tandem: Tandem;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "tandem-gives-up-"));
    tandem = await createTandem(resolveRuntimeConfig({ TANDEM_DATA_DIR: dataDir }), "web");
  });
  afterAll(async () => {
    await tandem?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("is marked failed, with its last event, after the last try, and not before", async () => {
    const { prisma } = tandem.db;
    const workspace = await prisma.workspace.create({ data: { name: "w", slug: `w-${Date.now()}` } });
    const app = await prisma.app.create({ data: { workspaceId: workspace.id, name: "a", slug: "a", kind: "workflow", draft: {} } });
    const document = validateWorkflow({
      schemaVersion: 1,
      kind: "workflow",
      graph: { nodes: [{ id: "start", type: "start", version: 1, config: {} }, { id: "end", type: "end", version: 1, config: { outputs: [] } }], edges: [{ id: "e", source: "start", target: "end" }] },
    }).document!;
    const run = await createRun(prisma, { workspaceId: workspace.id, appId: app.id, document, inputs: {}, trigger: "api" });
    // The machine fails, not the workflow: the workspace's services cannot be built.
    const handlers = createJobHandlers({ ...tandem.jobDependencies, servicesFor: () => Promise.reject(new Error("the database went away")) });
    const context = (attempt: number) => ({ jobId: "j", name: "run-workflow", attempt, signal: new AbortController().signal, reportProgress: async () => {} });

    await expect(handlers["run-workflow"]({ runId: run.id }, context(1))).rejects.toThrow(/went away/);
    expect((await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("queued"); // Another try will come.

    await expect(handlers["run-workflow"]({ runId: run.id }, context(3))).rejects.toThrow(/went away/);
    const failed = await prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(failed).toMatchObject({ status: "failed", error: expect.stringMatching(/could not be completed: the database went away/) as unknown });
    const events = await prisma.runEvent.findMany({ where: { runId: run.id } });
    expect(events.map((event) => event.type)).toEqual(["run-error"]);
  });
});
