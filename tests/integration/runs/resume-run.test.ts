import { runMigrations, startEmbeddedPostgres, createPrismaClient, type EmbeddedPostgres, type PrismaClient } from "@tandem/db";
import { createRun } from "@tandem/runner";
import type { WorkflowDocument } from "@tandem/engine";
import { validateWorkflow } from "@tandem/engine";
import { waitFor } from "@tandem/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCountingServer, type CountingServer } from "../../support/counting-server.ts";
import { cleanEnv, startProcess, tsxBin } from "../../support/processes.ts";
import { expectResumedNumbering } from "../../support/expect-resumed-numbering.ts";

function httpNode(id: string, port: number, path: string) {
  return {
    id,
    type: "http-request",
    version: 1,
    position: { x: 0, y: 0 },
    title: `GET ${path}`,
    config: { method: "GET", url: `http://127.0.0.1:${port}${path}`, headers: [], query: [], body: { type: "none" }, auth: { type: "none" }, timeoutMs: 60_000 },
  };
}

/** start → GET /a → GET /b → template (both answers) → end */
function resumableDocument(port: number): WorkflowDocument {
  const document = {
    schemaVersion: 1,
    kind: "workflow",
    graph: {
      nodes: [
        { id: "start", type: "start", version: 1, position: { x: 0, y: 0 }, config: { variables: [] } },
        httpNode("a", port, "/a"),
        httpNode("b", port, "/b"),
        {
          id: "both",
          type: "template",
          version: 1,
          position: { x: 0, y: 0 },
          config: { variables: [{ name: "a", selector: ["a", "json"] }, { name: "b", selector: ["b", "json"] }], template: "a{{ a.hit }} b{{ b.hit }}" },
        },
        { id: "end", type: "end", version: 1, position: { x: 0, y: 0 }, config: { outputs: [{ name: "result", selector: ["both", "output"] }] } },
      ],
      edges: [
        { id: "e1", source: "start", target: "a" },
        { id: "e2", source: "a", target: "b" },
        { id: "e3", source: "b", target: "both" },
        { id: "e4", source: "both", target: "end" },
      ],
    },
  };
  const validation = validateWorkflow(document);
  if (!validation.ok || !validation.document) throw new Error(JSON.stringify(validation.problems));
  return validation.document;
}

describe("a run whose process died resumes from its last finished node", () => {
  let postgres: EmbeddedPostgres;
  let prisma: PrismaClient;
  let server: CountingServer;

  beforeAll(async () => {
    postgres = await startEmbeddedPostgres({ dataDir: "memory://resume" });
    await runMigrations(postgres.url);
    prisma = createPrismaClient(postgres.url, { maxConnections: 2 });
    server = await startCountingServer();
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await server?.close();
    await postgres?.stop();
  });

  it("does not call a finished node's side effect again", async () => {
    const workspace = await prisma.workspace.create({
      data: { name: "Resume", slug: "resume", settings: { allowedHosts: [`127.0.0.1:${server.port}`] } },
    });
    const document = resumableDocument(server.port);
    const app = await prisma.app.create({ data: { workspaceId: workspace.id, name: "Resume", slug: "resume", kind: "workflow", draft: {} } });
    const run = await createRun(prisma, { workspaceId: workspace.id, appId: app.id, document, inputs: {}, trigger: "api" });
    const env = cleanEnv({ DATABASE_URL: postgres.url });

    // First attempt: node a finishes, node b's request hangs, and the process is killed.
    server.hang.add("/b");
    const first = startProcess(tsxBin, ["tests/support/run-job-once.ts", run.id], env);
    await waitFor(() => (server.hits.get("/b") === 1 ? true : undefined), { timeoutMs: 30_000, what: "the request of node b" });
    // Before b's request went out, the checkpoint recording a as done was stored (only the newest one is
    // kept), after a's node execution.
    const checkpoints = await prisma.$queryRaw<Array<{ count: bigint }>>`SELECT count(*) AS count FROM "langgraph"."run_checkpoints" WHERE "run_id" = ${run.id}::uuid`;
    expect(Number(checkpoints[0]?.count)).toBe(1);
    expect(await prisma.nodeExecution.count({ where: { runId: run.id, nodeId: "a" } })).toBe(1);
    first.child.kill("SIGKILL");
    await first.exited;
    expect(first.output()).not.toContain("job-done");
    expect((await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("running");

    // Second attempt, in a new process: b runs again, a does not.
    server.hang.delete("/b");
    const second = startProcess(tsxBin, ["tests/support/run-job-once.ts", run.id], env);
    await second.waitForOutput(/"event":"job-done"/, 60_000);
    expect(await second.exited).toBe(0);

    expect(server.hits.get("/a")).toBe(1);
    expect(server.hits.get("/b")).toBe(2);
    const finished = await prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(finished.status).toBe("succeeded");
    expect(finished.outputs).toEqual({ result: "a1 b2" });
    expect(second.output()).not.toContain('"nodeId":"a"');

    const executions = await prisma.nodeExecution.findMany({ where: { runId: run.id }, orderBy: { index: "asc" } });
    expect(executions.filter((execution) => execution.nodeId === "a")).toHaveLength(1);
    expect(executions.filter((execution) => execution.nodeId === "b" && execution.status === "succeeded")).toHaveLength(1);
    const events = await prisma.runEvent.findMany({ where: { runId: run.id }, orderBy: { seq: "asc" } });
    expectResumedNumbering(events.map((event) => event.seq));
    expect(events.at(-1)?.type).toBe("run-end");
    // A finished run is never resumed: its checkpoints went with its final state.
    const left = await prisma.$queryRaw<Array<{ count: bigint }>>`SELECT (SELECT count(*) FROM "langgraph"."run_checkpoints" WHERE "run_id" = ${run.id}::uuid) + (SELECT count(*) FROM "langgraph"."run_checkpoint_writes" WHERE "run_id" = ${run.id}::uuid) AS count`;
    expect(Number(left[0]?.count)).toBe(0);
  });

  it("leaves a finished run alone when its job runs again", async () => {
    const workspace = await prisma.workspace.findUniqueOrThrow({ where: { slug: "resume" } });
    const run = await prisma.run.findFirstOrThrow({ where: { workspaceId: workspace.id } });
    const again = startProcess(tsxBin, ["tests/support/run-job-once.ts", run.id], cleanEnv({ DATABASE_URL: postgres.url }));
    await again.waitForOutput(/"event":"job-done"/, 60_000);
    expect(again.output()).toContain('"status":"already-finished"');
    expect(server.hits.get("/a")).toBe(1);
  });
});
