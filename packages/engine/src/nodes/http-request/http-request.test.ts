import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGuardedHttp } from "../../adapters/guarded-http.ts";
import { isOutboundHttpError } from "../../adapters/outbound-http-error.ts";
import type { OutboundHttp } from "../../ports/engine-services.ts";
import { createNodeTestContext } from "../../testing/node-test-context.ts";
import { isHttpRequestError } from "./http-request-error.ts";
import { httpRequestNode } from "./http-request.node.ts";
import { httpRequestConfigSchema } from "./http-request.schema.ts";

// A real server on 127.0.0.1, reached through the real guarded adapter with that host:port allowed.

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

let server: Server;
let port: number;
let http: OutboundHttp;
const hits = new Map<string, number>();

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
  const count = hits.get(url.pathname) ?? 0;
  const json = (status: number, value: unknown) => response.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(value));
  switch (url.pathname) {
    case "/text":
      response.writeHead(200, { "content-type": "text/plain" }).end("plain text");
      return;
    case "/flaky":
      if (count <= 2) json(503, { error: "busy" });
      else json(200, { ok: true, attempt: count });
      return;
    case "/always-503":
      json(503, { error: "down" });
      return;
    case "/bad-request":
      json(400, { error: "missing field" });
      return;
    case "/slow": {
      // Answers late; the timer goes when the client gives up, so nothing writes to a closed socket.
      const timer = setTimeout(() => response.writeHead(200).end("late"), 2_000);
      response.on("close", () => clearTimeout(timer));
      return;
    }
    default:
      json(200, { method: request.method, url: request.url, headers: request.headers, body: Buffer.concat(chunks).toString("utf8") } satisfies Echo | object);
  }
}

beforeAll(async () => {
  server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => response.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  http = createGuardedHttp({ allowedHosts: [`127.0.0.1:${port}`] });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => hits.clear());

const pool = { start: { id: 42, query: 'say "hi"\nnow', n: 7, items: [1, 2] }, env: { TOKEN: "s3cret" } };

async function run(config: Record<string, unknown>, options: { http?: OutboundHttp; signal?: AbortSignal } = {}) {
  const context = createNodeTestContext({ pool, services: { http: options.http ?? http }, signal: options.signal });
  return httpRequestNode.run(httpRequestConfigSchema.parse(config), context);
}

async function echoed(config: Record<string, unknown>): Promise<{ echo: Echo; inputs: Record<string, unknown> | undefined }> {
  const result = await run(config);
  return { echo: result.outputs.json as Echo, inputs: result.inputs };
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error: unknown = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!isOutboundHttpError(error) && !isHttpRequestError(error)) throw new Error(`expected a coded error, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe("http-request node", () => {
  it("fills the URL from the pool, adds encoded query params and parses a JSON answer", async () => {
    const result = await run({
      url: `http://127.0.0.1:${port}/items/{{#start.id#}}?fixed=1`,
      params: [{ name: "q", value: "{{#start.query#}}" }, { name: "n", value: "{{#start.n#}}" }],
      headers: [{ name: "X-Trace", value: "run-{{#start.id#}}" }],
    });
    expect(result.outputs.status_code).toBe(200);
    expect(result.outputs.headers).toMatchObject({ "content-type": "application/json; charset=utf-8" });
    const echo = result.outputs.json as Echo;
    expect(echo.method).toBe("GET");
    expect(echo.url).toBe("/items/42?fixed=1&q=say+%22hi%22%0Anow&n=7");
    expect(echo.headers["x-trace"]).toBe("run-42");
    expect(echo.headers["user-agent"]).toContain("Tandem");
    expect(JSON.parse(result.outputs.body as string)).toEqual(echo);
    expect(result.inputs).toMatchObject({ method: "GET", url: `http://127.0.0.1:${port}/items/42?fixed=1&q=say+%22hi%22%0Anow&n=7`, attempts: 1 });
  });

  it("returns text bodies with json null", async () => {
    const result = await run({ url: `http://127.0.0.1:${port}/text` });
    expect(result.outputs).toMatchObject({ status_code: 200, body: "plain text", json: null });
  });

  it("sends a JSON body, escaping variables inside strings", async () => {
    const { echo } = await echoed({
      method: "POST",
      url: `http://127.0.0.1:${port}/json`,
      body: { type: "json", json: '{"text": "{{#start.query#}}", "count": {{#start.n#}}, "items": {{#start.items#}}}' },
    });
    expect(echo.method).toBe("POST");
    expect(echo.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(echo.body)).toEqual({ text: 'say "hi"\nnow', count: 7, items: [1, 2] });
  });

  it("sends a form body", async () => {
    const { echo, inputs } = await echoed({
      method: "PUT",
      url: `http://127.0.0.1:${port}/form`,
      body: { type: "form", fields: [{ name: "id", value: "{{#start.id#}}" }, { name: "text", value: "{{#start.query#}}" }, { name: "password", value: "hunter2" }] },
    });
    expect(echo.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(echo.body))).toEqual({ id: "42", text: 'say "hi"\nnow', password: "hunter2" });
    expect(inputs?.body).toBe("id=42&text=say+%22hi%22%0Anow&password=%5Bredacted%5D");
  });

  it("sends a raw body with its content type, unless a header sets one", async () => {
    const raw = await echoed({ method: "PATCH", url: `http://127.0.0.1:${port}/raw`, body: { type: "raw", contentType: "text/csv", text: "a,b\n{{#start.n#}},2" } });
    expect(raw.echo.headers["content-type"]).toBe("text/csv");
    expect(raw.echo.body).toBe("a,b\n7,2");
    const overridden = await echoed({
      method: "POST",
      url: `http://127.0.0.1:${port}/raw`,
      headers: [{ name: "content-type", value: "application/xml" }],
      body: { type: "raw", contentType: "text/plain", text: "<a/>" },
    });
    expect(overridden.echo.headers["content-type"]).toBe("application/xml");
  });

  it("sends no body for type none", async () => {
    const { echo } = await echoed({ method: "DELETE", url: `http://127.0.0.1:${port}/thing` });
    expect(echo).toMatchObject({ method: "DELETE", body: "" });
    expect(echo.headers["content-type"]).toBeUndefined();
  });

  it("adds bearer auth from a secret and keeps it out of the record", async () => {
    const { echo, inputs } = await echoed({ url: `http://127.0.0.1:${port}/auth`, auth: { type: "bearer", token: "{{#env.TOKEN#}}" } });
    expect(echo.headers.authorization).toBe("Bearer s3cret");
    expect(inputs).toMatchObject({ headers: { Authorization: "[redacted]" } });
    expect(JSON.stringify(inputs)).not.toContain("s3cret");
  });

  it("adds basic auth", async () => {
    const { echo } = await echoed({ url: `http://127.0.0.1:${port}/auth`, auth: { type: "basic", username: "ada", password: "{{#env.TOKEN#}}" } });
    expect(echo.headers.authorization).toBe(`Basic ${Buffer.from("ada:s3cret").toString("base64")}`);
  });

  it("adds a custom auth header, redacted in the record", async () => {
    const { echo, inputs } = await echoed({ url: `http://127.0.0.1:${port}/auth`, auth: { type: "custom", header: "X-Workspace", value: "{{#env.TOKEN#}}" } });
    expect(echo.headers["x-workspace"]).toBe("s3cret");
    expect(inputs).toMatchObject({ headers: { "X-Workspace": "[redacted]" } });
  });

  it("retries 5xx answers and succeeds", async () => {
    const result = await run({ url: `http://127.0.0.1:${port}/flaky`, retries: { attempts: 3, backoffMs: 10 } });
    expect(result.outputs).toMatchObject({ status_code: 200, json: { ok: true, attempt: 3 } });
    expect(result.inputs).toMatchObject({ attempts: 3 });
    expect(hits.get("/flaky")).toBe(3);
  });

  it("returns the last 5xx answer when retries run out, without failing", async () => {
    const result = await run({ url: `http://127.0.0.1:${port}/always-503`, retries: { attempts: 2, backoffMs: 5 } });
    expect(result.outputs.status_code).toBe(503);
    expect(hits.get("/always-503")).toBe(3);
  });

  it("does not retry a 400, and fails on it only when told to", async () => {
    const result = await run({ url: `http://127.0.0.1:${port}/bad-request`, retries: { attempts: 3, backoffMs: 5 } });
    expect(result.outputs).toMatchObject({ status_code: 400, json: { error: "missing field" } });
    expect(hits.get("/bad-request")).toBe(1);
    const { code, message } = await failure(run({ url: `http://127.0.0.1:${port}/bad-request`, failOnHttpError: true }));
    expect(code).toBe("http_error");
    expect(message).toContain("answered 400");
    expect(message).toContain("missing field");
  });

  it("fails with a timeout error when the server is too slow", async () => {
    const started = Date.now();
    expect(await failure(run({ url: `http://127.0.0.1:${port}/slow`, timeoutMs: 150 }))).toMatchObject({ code: "timeout" });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("surfaces an SSRF refusal with what to do, and does not retry it", async () => {
    const guarded = createGuardedHttp();
    const { code, message } = await failure(run({ url: `http://127.0.0.1:${port}/echo`, retries: { attempts: 3, backoffMs: 5 } }, { http: guarded }));
    expect(code).toBe("ssrf_blocked");
    expect(message).toContain(`add "127.0.0.1:${port}" to the workspace's allowed hosts`);
    expect(hits.size).toBe(0);
  });

  it("explains a URL that is invalid once variables are filled in", async () => {
    const { code, message } = await failure(run({ url: "{{#start.missing#}}/path" }));
    expect(code).toBe("invalid_request");
    expect(message).toContain("is not a valid URL");
  });

  it("explains a JSON body that is invalid once variables are filled in", async () => {
    const { code, message } = await failure(run({ method: "POST", url: `http://127.0.0.1:${port}/json`, body: { type: "json", json: '{"text": {{#start.query#}}}' } }));
    expect(code).toBe("invalid_request");
    expect(message).toContain("Put text variables inside quotes");
  });

  it("stops waiting between retries when the run is cancelled", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("cancelled")), 100);
    const started = Date.now();
    await expect(run({ url: `http://127.0.0.1:${port}/always-503`, retries: { attempts: 5, backoffMs: 10_000 } }, { signal: controller.signal })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
