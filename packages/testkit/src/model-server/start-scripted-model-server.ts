import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { sendJson, sendText } from "./http-io.ts";
import { createModelCatalog } from "./model-catalog.ts";
import { handleOllamaRequest } from "./ollama-routes.ts";
import { handleOpenAiRequest } from "./openai-routes.ts";
import { PauseSet } from "./pause-set.ts";
import { RuleBook, type ScriptedRule } from "./rules.ts";
import type { ModelServerCall, ServerContext, ServerSettings } from "./server-context.ts";

export interface ScriptedModelServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Delays the start of every model response (chat, completions, embeddings). Default 0. */
  latencyMs?: number;
  /** Streaming pace, and the time a blocking reply takes (its tokens / this). Default Infinity: no delay. */
  tokensPerSecond?: number;
  /** Listed by `/v1/models` and `/api/tags`; any other model is a 404. Names containing "embed" are embedding models. */
  models?: string[];
  /** Length of the hashing embeddings. Default 64. */
  embeddingDimensions?: number;
  /** Keep the call log. Default true; a long benchmark may turn it off to hold no memory per request. */
  recordCalls?: boolean;
}

/** A running scripted model server. */
export interface ScriptedModelServer {
  /** `http://127.0.0.1:PORT`: the Ollama base URL. */
  readonly url: string;
  /** `${url}/v1`: the base URL for OpenAI clients. */
  readonly openaiBaseUrl: string;
  readonly port: number;
  /**
   * Every model request so far, oldest first, including those answered with an error; bodies that are
   * not valid JSON or fail the request schema (400s) are not recorded. A live array: `resetCalls()`
   * empties it in place.
   */
  readonly calls: readonly ModelServerCall[];
  /** Adds a rule after the existing ones and returns its id. */
  addRule(rule: ScriptedRule): string;
  removeRule(id: string): boolean;
  clearRules(): void;
  resetCalls(): void;
  /** Changes latency or pacing for the requests that follow. */
  configure(settings: Partial<ServerSettings>): void;
  /** Stops listening, ends pending delays and drops open connections. */
  close(): Promise<void>;
}

const defaultModels = ["scripted-small", "scripted-large", "scripted-embed"];

async function route(context: ServerContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = request.url ?? "/";
  const queryStart = url.indexOf("?");
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  if (path.startsWith("/v1/")) return handleOpenAiRequest(context, request, response, path);
  if (path.startsWith("/api/")) return handleOllamaRequest(context, request, response, path);
  // Ollama answers its root so that clients can check it is up.
  if (path === "/") return sendText(response, 200, "Ollama is running");
  sendJson(response, 404, { error: `Unknown endpoint: ${request.method ?? "GET"} ${path}` });
}

/**
 * Starts a real HTTP server on 127.0.0.1 that speaks the OpenAI API (`/v1/*`) and Ollama's native API
 * (`/api/*`), answering by rules: the one stand-in Tandem's tests and benchmarks use at the network edge,
 * since no real model is reachable here. Unmatched requests get `Scripted reply to: <prompt>`.
 */
export async function startScriptedModelServer(options: ScriptedModelServerOptions = {}): Promise<ScriptedModelServer> {
  const embeddingDimensions = options.embeddingDimensions ?? 64;
  const calls: ModelServerCall[] = [];
  const recordCalls = options.recordCalls ?? true;
  let lastId = 0;
  const context: ServerContext = {
    catalog: createModelCatalog(options.models ?? defaultModels, embeddingDimensions),
    rules: new RuleBook(),
    settings: { latencyMs: options.latencyMs ?? 0, tokensPerSecond: options.tokensPerSecond ?? Number.POSITIVE_INFINITY },
    embeddingDimensions,
    pauses: new PauseSet(),
    record: (call) => {
      if (recordCalls) calls.push(call);
    },
    nextId: () => ++lastId,
  };

  const server = createServer({ keepAlive: true, noDelay: true }, (request, response) => {
    route(context, request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      sendJson(response, 500, { error: { message: `Scripted model server failed: ${message}`, type: "server_error", code: null } });
    });
  });
  // Benchmarks reuse connections; a short idle timeout would make them pay for new ones.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  // listen() on a TCP port always yields an AddressInfo, never the string of a pipe.
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    port,
    calls,
    addRule: (rule) => context.rules.add(rule),
    removeRule: (id) => context.rules.remove(id),
    clearRules: () => context.rules.clear(),
    resetCalls: () => {
      calls.length = 0;
    },
    configure: (settings) => {
      if (settings.latencyMs !== undefined) context.settings.latencyMs = settings.latencyMs;
      if (settings.tokensPerSecond !== undefined) context.settings.tokensPerSecond = settings.tokensPerSecond;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        context.pauses.cancelAll();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
