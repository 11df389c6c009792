import type { KnowledgeRetriever } from "./knowledge-retriever.ts";
import type { ModelGateway } from "./model-gateway.ts";
import type { SqlDataSources } from "./sql-data-sources.ts";
import type { ToolRegistry } from "./tool-registry.ts";

/**
 * The engine's ports: everything that touches the outside world arrives through these interfaces,
 * given at composition time. The engine never opens a socket, a file or a database itself.
 */

export interface OutboundRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Follow redirects (each hop is checked by the SSRF guard too). */
  followRedirects?: boolean;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  /** The final URL after redirects. */
  url: string;
}

/** HTTP to the outside world, through the SSRF guard. */
export interface OutboundHttp {
  request(request: OutboundRequest): Promise<OutboundResponse>;
}

export interface SandboxLimits {
  timeoutMs: number;
  memoryBytes: number;
}

/** Runs user JavaScript in an isolated sandbox: no network, no file system. */
export interface CodeSandbox {
  /** Runs `code`, which defines `main(inputs)`, and returns what `main` returns (JSON values only). */
  run(code: string, inputs: Record<string, unknown>, limits: SandboxLimits): Promise<unknown>;
}

export interface EngineServices {
  http: OutboundHttp;
  sandbox: CodeSandbox;
  models: ModelGateway;
  /** The workspace's knowledge bases; absent where none are wired (the knowledge-retrieval node then fails clearly). */
  knowledge?: KnowledgeRetriever;
  /** The workspace's SQL data sources; absent where none are wired (the text2sql and sql-query nodes then fail clearly). */
  sql?: SqlDataSources;
  /** The workspace's tools (built-in, OpenAPI, MCP, workflows); absent: the built-in tools over these ports. */
  tools?: ToolRegistry;
}
