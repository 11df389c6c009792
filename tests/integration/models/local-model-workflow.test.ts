import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { validateWorkflow, type WorkflowDocument } from "@tandem/engine";
import { createRun, createTandem, resolveRuntimeConfig, runWorkflowJob, type Tandem } from "@tandem/runner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../support/processes.ts";

/** The real tiny GGUF model shipped with the project's shared data (a 260K-parameter llama). */
const storiesModel = path.resolve(projectRoot, "../shared/data/models/stories260K.gguf");

function storyWorkflow(): WorkflowDocument {
  const validation = validateWorkflow({
    schemaVersion: 1,
    kind: "workflow",
    settings: { private: true },
    graph: {
      nodes: [
        { id: "start", type: "start", version: 1, config: { variables: [{ name: "opening", type: "text", required: true }] } },
        {
          id: "write",
          type: "llm",
          version: 1,
          title: "Write",
          config: { model: { model: "local:stories260K", policy: "local-only", maxTokens: 24, temperature: 0 }, messages: [{ role: "user", text: "{{#start.opening#}}" }] },
        },
        { id: "end", type: "end", version: 1, config: { outputs: [{ name: "story", selector: ["write", "text"] }] } },
      ],
      edges: [
        { id: "e1", source: "start", target: "write" },
        { id: "e2", source: "write", target: "end" },
      ],
    },
  });
  if (!validation.ok || !validation.document) throw new Error(JSON.stringify(validation.problems));
  return validation.document;
}

describe("the embedded GGUF runtime inside Tandem", () => {
  let dataDir = "";
  let tandem: Tandem;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "tandem-local-"));
    await mkdir(path.join(dataDir, "models"));
    await symlink(storiesModel, path.join(dataDir, "models", "stories260K.gguf"));
    tandem = await createTandem(resolveRuntimeConfig({ TANDEM_DATA_DIR: dataDir }), "cli");
  });
  afterAll(async () => {
    await tandem?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("runs a private workflow's llm node on local:stories260K and records who answered", async () => {
    const { prisma } = tandem.db;
    const workspace = await prisma.workspace.create({ data: { name: "Local", slug: "local" } });
    const app = await prisma.app.create({ data: { workspaceId: workspace.id, name: "Stories", slug: "stories", kind: "workflow", draft: {} } });
    const run = await createRun(prisma, { workspaceId: workspace.id, appId: app.id, document: storyWorkflow(), inputs: { opening: "Once upon a time" }, trigger: "api" });
    const result = await runWorkflowJob(tandem.jobDependencies, run.id, new AbortController().signal);
    expect(result.status).toBe("succeeded");

    const finished = await prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(typeof (finished.outputs as { story?: unknown }).story).toBe("string");
    expect(((finished.outputs as { story: string }).story).length).toBeGreaterThan(0);
    expect(finished.totalTokens).toBeGreaterThan(0);
    const execution = await prisma.nodeExecution.findFirstOrThrow({ where: { runId: run.id, nodeId: "write" } });
    expect(execution.model).toMatchObject({ provider: "local", model: "stories260K" });
    expect(execution.tokensOut).toBeGreaterThan(0);
    expect(Number(execution.cost)).toBe(0);
    const deltas = await prisma.runEvent.count({ where: { runId: run.id, type: "node-delta" } });
    expect(deltas).toBeGreaterThan(0);
  });

  it("embeds text with the local model through the model gateway", async () => {
    const services = await tandem.jobDependencies.servicesFor({ id: "00000000-0000-0000-0000-000000000000", settings: {} });
    const { vectors } = await services.models.embed({ model: "local:stories260K", texts: ["a cat", "a dog"], signal: new AbortController().signal, private: true });
    expect(vectors).toHaveLength(2);
    expect(vectors[0]?.length).toBe(64);
    expect(vectors[0]).not.toEqual(vectors[1]);
  });

  it("serves the runtime as an OpenAI-compatible API", async () => {
    const response = await tandem.handleLocalModelsApi({ method: "GET", path: "/v1/models", body: "", signal: new AbortController().signal });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: Array<{ id: string }> };
    expect(body.data.map((model) => model.id)).toContain("stories260K");
  });
});
