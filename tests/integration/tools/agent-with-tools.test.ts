// An agent run through the runner with a scripted model that calls two different kinds of tool (an
// OpenAPI operation of a real HTTP service and a tool of a real MCP server), sees an argument error,
// recovers, and answers.
import { saveModelProvider, saveToolProvider } from "@tandem/runner";
import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMcpHttpServer, type McpHttpServer } from "./support/mcp-http-server.ts";
import { PETS_SECRETS, startPetsApi, type PetsApi } from "./support/pets-api.ts";
import { startToolsFixture, workflowDocument, type ToolsFixture } from "./support/tools-fixture.ts";

let fixture: ToolsFixture;
let api: PetsApi;
let mcp: McpHttpServer;
let model: ScriptedModelServer;
let workspaceId = "";

beforeAll(async () => {
  fixture = await startToolsFixture("agent-tools");
  api = await startPetsApi();
  mcp = await startMcpHttpServer();
  model = await startScriptedModelServer({ models: ["agent-small"] });
  const allowedHosts = [api.host, mcp.host];
  workspaceId = await fixture.createWorkspace("agent", allowedHosts);
  const { prisma } = fixture.tandem.db;
  const { secrets } = fixture.tandem;
  await saveModelProvider(prisma, secrets, workspaceId, { name: "lab", kind: "openai_compatible", baseUrl: model.openaiBaseUrl, isLocal: true, settings: {} });
  await saveToolProvider(prisma, secrets, { id: workspaceId, allowedHosts }, { name: "pets", config: { kind: "openapi", document: api.yaml, auth: { type: "bearer" } }, credentials: { secret: PETS_SECRETS.bearer } });
  await saveToolProvider(prisma, secrets, { id: workspaceId, allowedHosts }, { name: "calc", config: { kind: "mcp", transport: { type: "http", url: mcp.url } } });
}, 60_000);
afterAll(async () => {
  await fixture?.close();
  await api?.close();
  await mcp?.close();
  await model?.close();
});

describe("agent with registry tools", () => {
  it("calls an OpenAPI tool and an MCP tool, recovers from an argument error, and answers", async () => {
    model.addRule({ times: 1, reply: { type: "tool-call", calls: [{ name: "pets__getPet", arguments: { petId: "one" } }] } });
    model.addRule({ times: 1, reply: { type: "tool-call", calls: [{ name: "pets__getPet", arguments: { petId: 1 } }] } });
    model.addRule({ times: 1, reply: { type: "tool-call", calls: [{ name: "calc__add", arguments: { a: 40, b: 2 } }] } });
    model.addRule({ reply: { type: "text", text: "Pet 1 is Tom, a cat; 40 + 2 = 42." } });
    const document = workflowDocument({
      schemaVersion: 1,
      kind: "workflow",
      graph: {
        nodes: [
          { id: "start", type: "start", version: 1, config: { variables: [{ name: "task", type: "text", required: true }] } },
          {
            id: "agent",
            type: "agent",
            version: 1,
            config: {
              model: { model: "lab:agent-small" },
              instruction: "Use the tools.",
              query: ["start", "task"],
              strategy: "function-calling",
              tools: [
                { type: "tool", name: "pets__getPet" },
                { type: "tool", name: "calc__add" },
              ],
            },
          },
          { id: "end", type: "end", version: 1, config: { outputs: [{ name: "answer", selector: ["agent", "text"] }, { name: "steps", selector: ["agent", "steps"] }] } },
        ],
        edges: [
          { id: "e1", source: "start", target: "agent" },
          { id: "e2", source: "agent", target: "end" },
        ],
      },
    });
    const finished = await fixture.run(workspaceId, document, { task: "Who is pet 1, and what is 40 + 2?" });
    expect(finished.error).toBeNull();
    expect(finished.status).toBe("succeeded");
    const outputs = finished.outputs as { answer: string; steps: Array<{ tool: string; output?: string; error?: string }> };
    expect(outputs.answer).toBe("Pet 1 is Tom, a cat; 40 + 2 = 42.");
    expect(outputs.steps.map((step) => step.tool)).toEqual(["pets__getPet", "pets__getPet", "calc__add"]);
    expect(outputs.steps[0]?.error).toBe('The arguments of "pets__getPet" are invalid: $.petId: expected integer, got string.');
    expect(JSON.parse(outputs.steps[1]?.output ?? "null")).toEqual({ id: 1, name: "Tom", species: "cat" });
    expect(JSON.parse(outputs.steps[2]?.output ?? "null")).toEqual({ sum: 42 });
    // The model was offered both tools with their schemas, and saw the error before it recovered.
    const first = model.calls[0];
    expect(first?.tools?.map((tool) => tool.name)).toEqual(["pets__getPet", "calc__add"]);
    const second = model.calls[1];
    expect(second?.messages.find((message) => message.role === "tool")?.content).toMatch(/^Error: The arguments of "pets__getPet" are invalid/);
    expect(api.requests.filter((request) => request.auth === "bearer").map((request) => request.url)).toEqual(["/api/pets/1"]);
  }, 60_000);
});
