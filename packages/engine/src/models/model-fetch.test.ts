import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { networkCodeOf } from "./describe-error.ts";
import { createModelFetch } from "./model-fetch.ts";

describe("createModelFetch", () => {
  let server: Server;
  let base = "";
  const sockets = new Set<unknown>();
  let release: (() => void) | undefined;

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      sockets.add(request.socket);
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      request.on("end", () => {
        if (request.url === "/json") {
          response.writeHead(200, { "content-type": "application/json", "x-echo": request.headers["x-key"] ?? "" });
          response.end(JSON.stringify({ method: request.method, body: JSON.parse(body || "null") as unknown }));
        } else if (request.url === "/stream") {
          response.writeHead(200, { "content-type": "text/event-stream" });
          response.write("data: one\n\n");
          // The second event waits until the test has read the first: chunks arrive as they are sent.
          release = () => response.end("data: two\n\n");
        } else if (request.url === "/hang") {
          release = () => response.end();
        } else if (request.url === "/moved") {
          response.writeHead(308, { location: "/json" });
          response.end();
        } else if (request.url === "/loop") {
          response.writeHead(302, { location: "/loop" });
          response.end();
        } else if (request.url === "/fail") {
          response.writeHead(500, { "content-type": "application/json" });
          response.end(JSON.stringify({ error: { message: "the GPU fell over" } }));
        } else {
          response.writeHead(204);
          response.end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("sends the method, headers and body, and reads a JSON answer, reusing the connection", async () => {
    const fetch = createModelFetch();
    sockets.clear();
    for (let index = 0; index < 3; index += 1) {
      const response = await fetch(`${base}/json`, { method: "POST", headers: { "x-key": "secret", "content-type": "application/json" }, body: JSON.stringify({ n: index }) });
      expect(response.status).toBe(200);
      expect(response.headers.get("x-echo")).toBe("secret");
      expect(await response.json()).toEqual({ method: "POST", body: { n: index } });
    }
    expect(sockets.size).toBe(1);
  });

  it("streams an event stream as it arrives", async () => {
    const response = await createModelFetch()(`${base}/stream`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    expect(decoder.decode(first.value)).toBe("data: one\n\n");
    release?.();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value);
    expect(rest).toBe("data: two\n\n");
  });

  it("gives error statuses with their body, and empty answers without one", async () => {
    const fetch = createModelFetch();
    const failed = await fetch(`${base}/fail`, { method: "POST", body: "{}" });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: { message: "the GPU fell over" } });
    const empty = await fetch(`${base}/nothing`);
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe("");
  });

  it("follows redirects as fetch does (308 keeps the method and body), and gives up on a loop", async () => {
    const fetch = createModelFetch();
    const moved = await fetch(`${base}/moved`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ n: 1 }) });
    expect(await moved.json()).toEqual({ method: "POST", body: { n: 1 } });
    await expect(fetch(`${base}/loop`)).rejects.toMatchObject({ name: "TypeError", cause: { message: "more than 5 redirects" } });
  });

  it("rejects with the signal's reason when aborted, before or during the request", async () => {
    const fetch = createModelFetch();
    const reason = new Error("stop now");
    await expect(fetch(`${base}/json`, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const controller = new AbortController();
    const pending = fetch(`${base}/hang`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    release?.();
  });

  it("rejects a refused connection like Node's fetch: a TypeError whose cause has the socket code", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error: unknown = await createModelFetch()(`http://127.0.0.1:${port}/json`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect(networkCodeOf(error)).toBe("ECONNREFUSED");
  });
});
