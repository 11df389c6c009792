// Published workflows as tools: a workflow calls another through the tool node, each call a run of its
// own (trigger "tool"); a cycle and a chain deeper than MAX_WORKFLOW_TOOL_DEPTH fail with clear errors.
import { toJsonInput } from "@tandem/db";
import { MAX_WORKFLOW_TOOL_DEPTH } from "@tandem/runner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startToolsFixture, workflowDocument, type ToolsFixture } from "./support/tools-fixture.ts";

let fixture: ToolsFixture;
let workspaceId = "";

/** start(x) → a tool call of `tool` with x (or a template "leaf:x" when tool is null) → end(result). */
function chainDocument(tool: string | null) {
  const middle = tool
    ? { id: "step", type: "tool", version: 1, config: { tool, parameters: { x: { type: "variable", value: ["start", "x"] } } } }
    : { id: "step", type: "template", version: 1, config: { variables: [{ name: "x", selector: ["start", "x"] }], template: "leaf:{{ x }}" } };
  const output = tool ? ["step", "result", "result"] : ["step", "output"];
  return workflowDocument({
    schemaVersion: 1,
    kind: "workflow",
    graph: {
      nodes: [
        { id: "start", type: "start", version: 1, config: { variables: [{ name: "x", type: "text", label: "What to pass down", required: true }] } },
        middle,
        { id: "end", type: "end", version: 1, config: { outputs: [{ name: "result", selector: output }] } },
      ],
      edges: [
        { id: "e1", source: "start", target: "step" },
        { id: "e2", source: "step", target: "end" },
      ],
    },
  });
}

async function publish(slug: string, tool: string | null): Promise<string> {
  const { prisma } = fixture.tandem.db;
  const document = toJsonInput(chainDocument(tool));
  const app = await prisma.app.create({ data: { workspaceId, name: slug, slug, description: `The ${slug} workflow`, kind: "workflow", draft: document } });
  await prisma.appVersion.create({ data: { workspaceId, appId: app.id, version: 1, document } });
  return app.id;
}

beforeAll(async () => {
  fixture = await startToolsFixture("workflow-tools");
  workspaceId = await fixture.createWorkspace("workflows", []);
  await publish("leaf", null);
  await publish("mid", "workflow__leaf");
  await publish("loop", "workflow__loop");
  await publish("a3", "workflow__leaf");
  await publish("a2", "workflow__a3");
  await publish("a1", "workflow__a2");
}, 60_000);
afterAll(async () => {
  await fixture?.close();
});

describe("workflows as tools", () => {
  it("lists published workflows with their start inputs as parameters", async () => {
    const tools = await fixture.toolsOf(workspaceId);
    expect(await tools.get("workflow__leaf")).toEqual({
      name: "workflow__leaf",
      kind: "workflow",
      description: "The leaf workflow",
      parameters: { type: "object", properties: { x: { type: "string", description: "What to pass down" } }, required: ["x"] },
    });
  });

  it("runs a workflow that calls a workflow that calls a workflow, each as its own run", async () => {
    const finished = await fixture.run(workspaceId, chainDocument("workflow__mid"), { x: "hi" });
    expect(finished.error).toBeNull();
    expect(finished.status).toBe("succeeded");
    expect(finished.outputs).toEqual({ result: "leaf:hi" });
    const children = await fixture.tandem.db.prisma.run.findMany({ where: { workspaceId, trigger: "tool" }, include: { app: { select: { slug: true } } } });
    expect(children.map((run) => [run.app.slug, run.status]).sort()).toEqual([
      ["leaf", "succeeded"],
      ["mid", "succeeded"],
    ]);
  });

  it("refuses a cycle with a clear error", async () => {
    const finished = await fixture.run(workspaceId, chainDocument("workflow__loop"), { x: "again" });
    expect(finished.status).toBe("failed");
    expect(finished.error).toMatch(/The workflow "loop" is already running in this chain of workflow tools \(a cycle\)/);
  });

  it(`refuses a chain deeper than ${MAX_WORKFLOW_TOOL_DEPTH} nested workflows`, async () => {
    const finished = await fixture.run(workspaceId, chainDocument("workflow__a1"), { x: "deep" });
    expect(finished.status).toBe("failed");
    expect(finished.error).toContain(`Workflows may call workflows as tools at most ${MAX_WORKFLOW_TOOL_DEPTH} levels deep; calling "leaf" would go deeper.`);
  });
});
