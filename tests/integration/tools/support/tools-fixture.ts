import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { validateWorkflow, type ToolRegistry, type WorkflowDocument } from "@tandem/engine";
import { createRun, createTandem, resolveRuntimeConfig, runWorkflowJob, type Tandem } from "@tandem/runner";

export interface ToolsFixture {
  tandem: Tandem;
  /** A new workspace with these allowed hosts. */
  createWorkspace(name: string, allowedHosts: string[]): Promise<string>;
  /** The workspace's tool registry, as a top-level run of `appId` gets it. */
  toolsOf(workspaceId: string, callChain?: string[]): Promise<ToolRegistry>;
  /** Runs a document as a run of a new (or given) app and returns the finished run with its node executions. */
  run(workspaceId: string, document: WorkflowDocument, inputs?: Record<string, unknown>): Promise<Awaited<ReturnType<typeof finishedRun>>>;
  close(): Promise<void>;
}

function finishedRun(tandem: Tandem, runId: string) {
  return tandem.db.prisma.run.findUniqueOrThrow({ where: { id: runId }, include: { nodeExecutions: true } });
}

/** Validates a document a test means to be valid; throws with the problems otherwise. */
export function workflowDocument(raw: unknown): WorkflowDocument {
  const validation = validateWorkflow(raw);
  if (!validation.ok || !validation.document) throw new Error(`invalid test workflow: ${JSON.stringify(validation.problems)}`);
  return validation.document;
}

/** Tandem on embedded PGlite (the cli role: runs are executed by the test itself). */
export async function startToolsFixture(name: string): Promise<ToolsFixture> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `tandem-${name}-`));
  const tandem = await createTandem(resolveRuntimeConfig({ TANDEM_DATA_DIR: dataDir }), "cli");
  const { prisma } = tandem.db;
  const settingsOf = async (workspaceId: string) => (await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).settings;
  return {
    tandem,
    async createWorkspace(workspaceName, allowedHosts) {
      const workspace = await prisma.workspace.create({ data: { name: workspaceName, slug: `${workspaceName}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, settings: { allowedHosts } } });
      return workspace.id;
    },
    async toolsOf(workspaceId, callChain = []) {
      const services = await tandem.jobDependencies.servicesFor({ id: workspaceId, settings: await settingsOf(workspaceId) }, { callChain });
      if (!services.tools) throw new Error("the runner wired no tool registry");
      return services.tools;
    },
    async run(workspaceId, document, inputs = {}) {
      const app = await prisma.app.create({ data: { workspaceId, name: "Caller", slug: `caller-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, kind: "workflow", draft: {} } });
      const created = await createRun(prisma, { workspaceId, appId: app.id, document, inputs, trigger: "api" });
      await runWorkflowJob(tandem.jobDependencies, created.id, new AbortController().signal);
      return finishedRun(tandem, created.id);
    },
    async close() {
      await tandem.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
