import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { validateWorkflow, type WorkflowDocument } from "@tandem/engine";
import { createRun, createTandem, listModelProviders, loadProviderConfigs, resolveRuntimeConfig, runWorkflowJob, saveModelProvider, type Tandem } from "@tandem/runner";
import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

function askWorkflow(model: string, fallbacks: string[], isPrivate: boolean): WorkflowDocument {
  const validation = validateWorkflow({
    schemaVersion: 1,
    kind: "workflow",
    settings: { private: isPrivate },
    graph: {
      nodes: [
        { id: "start", type: "start", version: 1, config: { variables: [{ name: "question", type: "text", required: true }] } },
        { id: "ask", type: "llm", version: 1, config: { model: { model, fallbacks, policy: "cloud-first" }, messages: [{ role: "user", text: "{{#start.question#}}" }], stream: false } },
        { id: "end", type: "end", version: 1, config: { outputs: [{ name: "answer", selector: ["ask", "text"] }] } },
      ],
      edges: [
        { id: "e1", source: "start", target: "ask" },
        { id: "e2", source: "ask", target: "end" },
      ],
    },
  });
  if (!validation.ok || !validation.document) throw new Error(JSON.stringify(validation.problems));
  return validation.document;
}

describe("model providers, routing and privacy through a real run", () => {
  let dataDir = "";
  let tandem: Tandem;
  let local: ScriptedModelServer;
  let cloud: ScriptedModelServer;
  let workspaceId = "";
  let appId = "";

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "tandem-providers-"));
    tandem = await createTandem(resolveRuntimeConfig({ TANDEM_DATA_DIR: dataDir }), "cli");
    local = await startScriptedModelServer({ models: ["qwen2.5:3b"] });
    cloud = await startScriptedModelServer({ models: ["gpt-4o-mini"] });
    const { prisma } = tandem.db;
    const workspace = await prisma.workspace.create({ data: { name: "Routing", slug: "routing" } });
    workspaceId = workspace.id;
    appId = (await prisma.app.create({ data: { workspaceId, name: "Ask", slug: "ask", kind: "workflow", draft: {} } })).id;
    await saveModelProvider(prisma, tandem.secrets, workspaceId, { name: "ollama", kind: "ollama", preset: "ollama", baseUrl: local.url, settings: {} });
    await saveModelProvider(prisma, tandem.secrets, workspaceId, { name: "openai", kind: "openai_compatible", preset: "openai", baseUrl: cloud.openaiBaseUrl, apiKey: "sk-test-secret", settings: {} });
  });
  afterAll(async () => {
    await tandem?.close();
    await local?.close();
    await cloud?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("stores provider keys sealed, lists them without the key, and decrypts them for the gateway", async () => {
    const listed = await listModelProviders(tandem.db.prisma, workspaceId);
    expect(listed.map((provider) => [provider.name, provider.isLocal, provider.hasApiKey])).toEqual([
      ["ollama", true, false],
      ["openai", false, true],
    ]);
    expect(JSON.stringify(listed)).not.toContain("sk-test-secret");
    const row = await tandem.db.prisma.modelProvider.findFirstOrThrow({ where: { workspaceId, name: "openai" } });
    expect(row.apiKeyEncrypted).not.toContain("sk-test-secret");
    const { providers } = await loadProviderConfigs(tandem.db.prisma, tandem.secrets, workspaceId);
    expect(providers.find((provider) => provider.name === "openai")?.apiKey).toBe("sk-test-secret");
  });

  async function run(document: WorkflowDocument) {
    const created = await createRun(tandem.db.prisma, { workspaceId, appId, document, inputs: { question: "What is Tandem?" }, trigger: "api" });
    await runWorkflowJob(tandem.jobDependencies, created.id, new AbortController().signal);
    return tandem.db.prisma.run.findUniqueOrThrow({ where: { id: created.id }, include: { nodeExecutions: true } });
  }

  it("falls back from a failing cloud model to the local one and records why", async () => {
    cloud.addRule({ times: 1, reply: { type: "error", status: 500, message: "upstream exploded" } });
    local.addRule({ times: 1, reply: { type: "text", text: "A local answer." } });
    const finished = await run(askWorkflow("openai:gpt-4o-mini", ["ollama:qwen2.5:3b"], false));
    expect(finished.status).toBe("succeeded");
    expect(finished.outputs).toEqual({ answer: "A local answer." });
    const ask = finished.nodeExecutions.find((execution) => execution.nodeId === "ask");
    expect(ask?.model).toMatchObject({ provider: "ollama", model: "qwen2.5:3b", fallbacks: [{ model: "openai:gpt-4o-mini" }] });
    expect(JSON.stringify(ask?.model)).toMatch(/500/);
    expect(ask?.tokensOut).toBeGreaterThan(0);
  });

  it("refuses a private workflow that names a cloud model before anything runs", async () => {
    cloud.resetCalls();
    const document = askWorkflow("openai:gpt-4o-mini", [], false);
    const privateDocument = { ...document, settings: { ...document.settings, private: true } };
    const finished = await run(privateDocument);
    expect(finished.status).toBe("failed");
    expect(finished.error).toMatch(/private/);
    expect(finished.error).toContain("openai:gpt-4o-mini");
    expect(cloud.calls).toHaveLength(0);
  });

  it("keeps a private workflow on the local model even when a cloud fallback is listed", async () => {
    cloud.resetCalls();
    local.addRule({ times: 1, reply: { type: "text", text: "Stayed local." } });
    const document = askWorkflow("ollama:qwen2.5:3b", [], true);
    const finished = await run(document);
    expect(finished.status).toBe("succeeded");
    expect(finished.outputs).toEqual({ answer: "Stayed local." });
    expect(cloud.calls).toHaveLength(0);
  });
});
