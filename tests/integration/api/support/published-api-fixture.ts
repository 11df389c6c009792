import { createServer, type Server } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createPublishedApi } from "@tandem/api";
import { createTandem, resolveRuntimeConfig, saveModelProvider, type Tandem } from "@tandem/runner";
import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";

/** start (query) → llm (streams) → end (answer = the llm's text) */
export function askWorkflow(model = "lab:small") {
  return {
    schemaVersion: 1,
    kind: "workflow",
    graph: {
      nodes: [
        { id: "start", type: "start", version: 1, position: { x: 0, y: 0 }, config: { variables: [{ name: "query", type: "paragraph", required: true }] } },
        { id: "llm", type: "llm", version: 1, position: { x: 0, y: 0 }, config: { model: { model }, messages: [{ role: "user", text: "{{#start.query#}}" }], stream: true } },
        { id: "end", type: "end", version: 1, position: { x: 0, y: 0 }, config: { outputs: [{ name: "answer", selector: ["llm", "text"] }] } },
      ],
      edges: [
        { id: "e1", source: "start", target: "llm" },
        { id: "e2", source: "llm", target: "end" },
      ],
    },
  };
}

/** A chatflow: the llm sees the conversation (memory) and the query; the answer streams its text. */
export function chatflow(model = "lab:small") {
  return {
    schemaVersion: 1,
    kind: "chatflow",
    graph: {
      nodes: [
        { id: "start", type: "start", version: 1, position: { x: 0, y: 0 }, config: { variables: [{ name: "tone", type: "select", options: ["plain", "formal"], default: "plain" }] } },
        {
          id: "llm",
          type: "llm",
          version: 1,
          position: { x: 0, y: 0 },
          config: { model: { model }, system: "Answer in a {{#start.tone#}} tone.", memory: { enabled: true, window: 10 }, messages: [{ role: "user", text: "{{#sys.query#}}" }], stream: true },
        },
        { id: "answer", type: "answer", version: 1, position: { x: 0, y: 0 }, config: { answer: "{{#llm.text#}}" } },
      ],
      edges: [
        { id: "e1", source: "start", target: "llm" },
        { id: "e2", source: "llm", target: "answer" },
      ],
    },
  };
}

export interface PublishedApiFixture {
  tandem: Tandem;
  models: ScriptedModelServer;
  workspaceId: string;
  /** `http://127.0.0.1:PORT` serving the published API. */
  baseUrl: string;
  /** Creates an app with this draft, publishes it, and returns it with a fresh key. */
  publish(draft: unknown, options?: { slug?: string; keyLimits?: { rateLimitPerMin?: number; concurrencyLimit?: number } }): Promise<{ appId: string; slug: string; versionId: string; key: string; keyId: string; callbackSecret: string }>;
  close(): Promise<void>;
}

export async function startPublishedApiFixture(options: { env?: Record<string, string>; allowedHosts?: string[]; pingMs?: number } = {}): Promise<PublishedApiFixture> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "tandem-api-"));
  const models = await startScriptedModelServer({ models: ["small", "slow"] });
  const tandem = await createTandem(resolveRuntimeConfig({ TANDEM_DATA_DIR: dataDir, ...options.env }), "web");
  const { prisma } = tandem.db;
  const workspaceId = (await prisma.workspace.create({ data: { name: "API", slug: `api-${Date.now()}-${Math.random()}`, settings: { allowedHosts: options.allowedHosts ?? [] } } })).id;
  await saveModelProvider(prisma, tandem.secrets, workspaceId, { name: "lab", kind: "openai_compatible", baseUrl: models.openaiBaseUrl, isLocal: true, settings: {} });
  const handle = createPublishedApi(tandem, { pingMs: options.pingMs ?? 10_000 });
  const server: Server = createServer((request, response) => {
    void handle(request, response).then((served) => {
      if (!served) {
        response.writeHead(404);
        response.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  let counter = 0;
  return {
    tandem,
    models,
    workspaceId,
    baseUrl: `http://127.0.0.1:${port}`,
    async publish(draft, publishOptions = {}) {
      counter += 1;
      const slug = publishOptions.slug ?? `app-${counter}-${Date.now()}`;
      const kind = (draft as { kind: "workflow" | "chatflow" }).kind;
      const app = await prisma.app.create({ data: { workspaceId, name: slug, slug, kind, draft: draft as object } });
      const version = await tandem.publishing.publishApp(workspaceId, app.id);
      const key = await tandem.publishing.createApiKey(workspaceId, app.id, { name: "test", ...publishOptions.keyLimits });
      return { appId: app.id, slug, versionId: version.id, key: key.key, keyId: key.id, callbackSecret: key.callbackSecret ?? "" };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await tandem.close();
      await models.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
