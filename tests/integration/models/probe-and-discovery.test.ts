import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { discoverLocalServers } from "@tandem/engine";
import { createTandem, loadProviderConfigs, probeAndCacheModel, resolveRuntimeConfig, saveModelProvider, testModelProvider, type Tandem } from "@tandem/runner";
import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../support/processes.ts";

describe("provider connection tests, capability probes and local discovery", () => {
  let dataDir = "";
  let tandem: Tandem;
  let server: ScriptedModelServer;
  let workspaceId = "";

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "tandem-probe-"));
    tandem = await createTandem(resolveRuntimeConfig({ TANDEM_DATA_DIR: dataDir }), "cli");
    server = await startScriptedModelServer({ models: ["qwen2.5:3b", "nomic-embed-text"] });
    workspaceId = (await tandem.db.prisma.workspace.create({ data: { name: "Probe", slug: "probe" } })).id;
    await saveModelProvider(tandem.db.prisma, tandem.secrets, workspaceId, { name: "ollama", kind: "ollama", preset: "ollama", baseUrl: server.url, settings: {} });
    await saveModelProvider(tandem.db.prisma, tandem.secrets, workspaceId, {
      name: "gone",
      kind: "openai_compatible",
      preset: "vllm",
      baseUrl: `http://127.0.0.1:${await freePort()}/v1`,
      settings: {},
    });
  });
  afterAll(async () => {
    await tandem?.close();
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("tests a connection: models when it answers, a reason when nothing does", async () => {
    const good = await testModelProvider(tandem.db.prisma, tandem.secrets, workspaceId, "ollama");
    expect(good).toMatchObject({ ok: true, models: expect.arrayContaining(["qwen2.5:3b", "nomic-embed-text"]) as unknown });
    const bad = await testModelProvider(tandem.db.prisma, tandem.secrets, workspaceId, "gone");
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/running/i);
  });

  it("probes a model's capabilities by calling it, and caches them on the provider", async () => {
    // The scripted model behaves like a capable one: it calls the offered tool and answers JSON when asked.
    server.addRule({ match: { prompt: /Call the tool get_current_time/ }, reply: { type: "tool-call", calls: [{ name: "get_current_time", arguments: { timezone: "UTC" } }] } });
    server.addRule({ match: { prompt: /Reply with this JSON object/ }, reply: { type: "json", value: { ok: true } } });
    const capabilities = await probeAndCacheModel(tandem.db.prisma, tandem.secrets, workspaceId, "ollama", "qwen2.5:3b");
    expect(capabilities).toMatchObject({ chat: true, streaming: true, tools: true, json: true });
    expect(capabilities.contextLength).toBeGreaterThan(0);
    const { providers } = await loadProviderConfigs(tandem.db.prisma, tandem.secrets, workspaceId);
    expect(providers.find((provider) => provider.name === "ollama")?.capabilities?.["qwen2.5:3b"]).toMatchObject({ chat: true, tools: true });
    expect(server.calls.length).toBeGreaterThan(0);
  });

  it("discovers a local server on the ports it is told to probe", async () => {
    const found = await discoverLocalServers({ ports: [{ port: server.port, preset: "ollama" }, { port: await freePort(), preset: "vllm" }] });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ preset: "ollama", models: expect.arrayContaining(["qwen2.5:3b"]) as unknown });
  });
});
