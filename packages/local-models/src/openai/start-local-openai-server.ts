import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { LocalModelRuntime } from "../local-model-runtime.ts";
import { handleOpenAiRequest } from "./handle-openai-request.ts";
import { errorBody } from "./openai-response.ts";

export interface LocalOpenAiServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the API has no authentication, so it listens on loopback only unless told otherwise. */
  host?: string;
  /** Largest request body accepted. Default 10 MiB. */
  maxBodyBytes?: number;
}

export interface LocalOpenAiServer {
  /** Base URL for OpenAI clients, ending in `/v1`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `handleOpenAiRequest` with node:http, for tests and for running Tandem's local models as a standalone API. */
export async function startLocalOpenAiServer(runtime: LocalModelRuntime, options: LocalOpenAiServerOptions = {}): Promise<LocalOpenAiServer> {
  const host = options.host ?? "127.0.0.1";
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const server = createServer((request, response) => {
    void serve(runtime, request, response, maxBodyBytes);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo; // A TCP server's address is always an AddressInfo once listening.
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/v1`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

async function serve(runtime: LocalModelRuntime, request: IncomingMessage, response: ServerResponse, maxBodyBytes: number): Promise<void> {
  const controller = new AbortController();
  // The response closing before it finished means the client went away: stop generating for it.
  response.once("close", () => {
    if (!response.writableFinished) controller.abort(new Error("The client closed the connection."));
  });
  try {
    const body = await readBody(request, maxBodyBytes);
    if (body === undefined) {
      writeJson(response, 413, JSON.stringify(errorBody(413, `The request body is larger than ${maxBodyBytes} bytes.`, "payload_too_large")));
      return;
    }
    const result = await handleOpenAiRequest(runtime, {
      method: request.method ?? "GET",
      path: request.url ?? "/",
      body: body.length === 0 ? undefined : body,
      signal: controller.signal,
    });
    response.writeHead(result.status, result.headers);
    if (typeof result.body === "string") {
      response.end(result.body);
      return;
    }
    response.flushHeaders();
    for await (const chunk of result.body) {
      if (response.destroyed) break;
      if (!response.write(chunk)) await drainedOrClosed(response);
    }
    response.end();
  } catch (error) {
    // handleOpenAiRequest never throws; this is the socket failing under us.
    if (!response.headersSent) {
      const message = error instanceof Error ? error.message : String(error);
      writeJson(response, 500, JSON.stringify(errorBody(500, message, "internal_error")));
    } else response.destroy();
  }
}

/** Waits for the socket to take more, or to go away (then the loop above stops and the generation is aborted). */
function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.once("drain", done);
    response.once("close", done);
  });
}

/** The body as text, or undefined when it exceeds `maxBytes`. */
async function readBody(request: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxBytes) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function writeJson(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(body);
}
