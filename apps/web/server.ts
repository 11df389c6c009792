/**
 * Tandem's web server: composes the services once (database, queue, job handlers), then serves the
 * Next.js app. Route handlers reach the services through `src/server/tandem-instance.ts`.
 *
 * Run with tsx: `npm start` at the root builds first, then runs this in production mode.
 */
import { createServer, type IncomingMessage } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createTandem, resolveRuntimeConfig, type RuntimeConfig } from "@tandem/runner";
import { createPublishedApi } from "@tandem/api";
import next from "next";
import { publishTandem } from "./src/server/tandem-instance.ts";

const dev = process.argv.includes("--dev");
const config = readConfig();
const appDir = path.dirname(fileURLToPath(import.meta.url));

const tandemReady = createTandem(config, "web");
publishTandem(tandemReady);
const tandem = await tandemReady.catch((error: unknown) => fail(error));

// The published API (/v1) is served here, before Next: a call costs what its run costs (ADR 0017).
const publishedApi = createPublishedApi(tandem);
const app = next({ dev, dir: appDir, hostname: config.http.host, port: config.http.port });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((request, response) => {
  if (!allowedToReachLocalModels(request)) {
    response.writeHead(401, { "content-type": "application/json" });
    response.end(
      JSON.stringify({ error: { message: "The local model API answers this machine only; from elsewhere send Authorization: Bearer <TANDEM_LOCAL_API_KEY>.", type: "invalid_request_error", code: "unauthorized" } }),
    );
    return;
  }
  publishedApi(request, response)
    .then((served) => (served ? undefined : handle(request, response)))
    .catch((error: unknown) => {
      console.error("request failed", error);
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ code: "internal_error", message: "The server failed to handle this request.", status: 500 }));
    });
});
server.listen(config.http.port, config.http.host, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.http.port;
  const database = tandem.db.kind === "embedded" ? `embedded Postgres in ${config.database.embeddedDir}` : "PostgreSQL";
  const jobs = config.queue.kind === "bullmq" ? "BullMQ (workers process jobs)" : "in-process";
  console.log(`Tandem ${config.version} (${config.mode}) on http://${displayHost(config.http.host)}:${port} — database: ${database}; jobs: ${jobs}`);
});

let shuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`${signal} received: finishing in-flight work, then stopping.`);
  server.close();
  server.closeIdleConnections();
  try {
    await tandem.close();
    await app.close();
  } finally {
    process.exit(0);
  }
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

/** /api/local/* serves the embedded models: to loopback clients, or to whoever holds TANDEM_LOCAL_API_KEY. */
function allowedToReachLocalModels(request: IncomingMessage): boolean {
  if (!request.url?.startsWith("/api/local/")) return true;
  const remote = request.socket.remoteAddress ?? "";
  if (remote === "127.0.0.1" || remote === "::1" || remote === "::ffff:127.0.0.1") return true;
  const key = process.env.TANDEM_LOCAL_API_KEY;
  return key !== undefined && key.length > 0 && request.headers.authorization === `Bearer ${key}`;
}

function displayHost(host: string): string {
  return host === "0.0.0.0" || host === "::" ? "localhost" : host;
}

function readConfig(): RuntimeConfig {
  try {
    return resolveRuntimeConfig();
  } catch (error) {
    return fail(error);
  }
}

/** A configuration or start-up problem: say what to fix, without a stack trace. */
function fail(error: unknown): never {
  console.error(`Tandem could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
