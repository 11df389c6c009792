import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import net, { type AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createGuardedHttp } from "./guarded-http.ts";
import { isOutboundHttpError } from "./outbound-http-error.ts";

// The only server these tests talk to listens on 127.0.0.1; every other address must be refused
// before a socket is opened, which the spy on Socket#connect checks.

let server: Server;
let port: number;
const seen: Array<{ method: string; url: string; headers: IncomingMessage["headers"]; body: string }> = [];

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString("utf8");
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  seen.push({ method: request.method ?? "", url: url.pathname, headers: request.headers, body });
  switch (url.pathname) {
    case "/ok":
      response.writeHead(200, { "content-type": "text/plain", "x-thing": "yes" }).end("hello");
      return;
    case "/echo":
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ method: request.method, headers: request.headers, body }));
      return;
    case "/redirect":
      response.writeHead(Number(url.searchParams.get("status") ?? 302), { location: url.searchParams.get("to") ?? "/ok" }).end();
      return;
    case "/loop":
      response.writeHead(302, { location: "/loop" }).end();
      return;
    case "/slow": {
      // Answers late; the timer goes when the client gives up, so nothing writes to a closed socket.
      const timer = setTimeout(() => response.writeHead(200).end("late"), 2_000);
      response.on("close", () => clearTimeout(timer));
      return;
    }
    case "/big":
      response.writeHead(200, { "content-length": String(4096) }).end(Buffer.alloc(4096, 97));
      return;
    case "/big-chunked":
      for (let index = 0; index < 8; index += 1) response.write(Buffer.alloc(512, 98));
      response.end();
      return;
    case "/gzip":
      response.writeHead(200, { "content-encoding": "gzip", "content-type": "text/plain" }).end(gzipSync("compressed hello"));
      return;
    case "/gzip-bomb":
      response.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync(Buffer.alloc(1024 * 1024, 0)));
      return;
    default:
      response.writeHead(404).end("not found");
  }
}

beforeAll(async () => {
  server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => response.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  seen.length = 0;
  vi.restoreAllMocks();
});

const base = () => `http://127.0.0.1:${port}`;
const request = (url: string, extra: { followRedirects?: boolean; timeoutMs?: number; signal?: AbortSignal; method?: string; headers?: Record<string, string>; body?: string } = {}) => ({
  url,
  method: extra.method ?? "GET",
  headers: extra.headers ?? {},
  body: extra.body,
  timeoutMs: extra.timeoutMs ?? 5_000,
  signal: extra.signal,
  followRedirects: extra.followRedirects,
});

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error: unknown = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!isOutboundHttpError(error)) throw new Error(`expected an OutboundHttpError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe("createGuardedHttp", () => {
  it("refuses loopback by default and says how to allow it", async () => {
    const { code, message } = await failure(createGuardedHttp().request(request(`${base()}/ok`)));
    expect(code).toBe("ssrf_blocked");
    expect(message).toBe(
      `Requests to 127.0.0.1 (loopback) are blocked. If this is a local model server or service you trust, add "127.0.0.1:${port}" to the workspace's allowed hosts.`,
    );
    expect(seen).toEqual([]);
  });

  it("reaches an allowed host:port and returns status, headers, body and final URL", async () => {
    const connect = vi.spyOn(net.Socket.prototype, "connect");
    const response = await createGuardedHttp({ allowedHosts: [`127.0.0.1:${port}`] }).request(request(`${base()}/ok`));
    expect(response.status).toBe(200);
    expect(new TextDecoder().decode(response.body)).toBe("hello");
    expect(response.headers["x-thing"]).toBe("yes");
    expect(response.url).toBe(`${base()}/ok`);
    // The spy sees real connections, so its silence in the next test means something.
    expect(connect).toHaveBeenCalled();
  });

  it("refuses private, metadata, loopback and unspecified targets without opening a socket", async () => {
    const connect = vi.spyOn(net.Socket.prototype, "connect");
    const http = createGuardedHttp({ allowedHosts: [`127.0.0.1:${port}`] });
    const targets = [
      "http://10.0.0.1/",
      "http://169.254.169.254/latest/meta-data/",
      `http://[::1]:${port}/ok`,
      `http://0.0.0.0:${port}/ok`,
      `http://localhost:${port}/ok`,
      "http://[::ffff:10.0.0.1]/",
      "http://100.64.0.1/",
      "http://metadata.google.internal/computeMetadata/v1/",
      `http://127.0.0.1:${port + 1}/`,
    ];
    for (const url of targets) expect(await failure(http.request(request(url))), url).toMatchObject({ code: "ssrf_blocked" });
    expect(connect).not.toHaveBeenCalled();
    expect(seen).toEqual([]);
  });

  it("connects to the checked address while keeping the host name in the Host header", async () => {
    const lookups: string[] = [];
    const http = createGuardedHttp({
      allowedHosts: [`pinned.test:${port}`],
      resolve: async (hostname) => {
        lookups.push(hostname);
        return [{ address: "127.0.0.1", family: 4 }];
      },
    });
    const response = await http.request(request(`http://pinned.test:${port}/echo`));
    expect(JSON.parse(new TextDecoder().decode(response.body))).toMatchObject({ headers: { host: `pinned.test:${port}` } });
    expect(lookups).toEqual(["pinned.test"]);
  });

  it("follows redirects between allowed hosts and checks every hop", async () => {
    const http = createGuardedHttp({ allowedHosts: [`127.0.0.1:${port}`] });
    const followed = await http.request(request(`${base()}/redirect?to=/ok`, { followRedirects: true }));
    expect(followed).toMatchObject({ status: 200, url: `${base()}/ok` });
    const notFollowed = await http.request(request(`${base()}/redirect?to=/ok`));
    expect(notFollowed.status).toBe(302);
    expect(notFollowed.headers.location).toBe("/ok");
  });

  it("refuses a redirect from an allowed host to a blocked one", async () => {
    const connect = vi.spyOn(net.Socket.prototype, "connect");
    const http = createGuardedHttp({ allowedHosts: [`127.0.0.1:${port}`] });
    for (const to of ["http://10.0.0.1/", "http://169.254.169.254/", `http://localhost:${port}/ok`, "file:///etc/passwd"]) {
      const { code } = await failure(http.request(request(`${base()}/redirect?to=${encodeURIComponent(to)}`, { followRedirects: true })));
      expect(code, to).toBe(to.startsWith("file:") ? "invalid_url" : "ssrf_blocked");
    }
    expect(connect).toHaveBeenCalledTimes(4);
    expect(seen.map((entry) => entry.url)).toEqual(["/redirect", "/redirect", "/redirect", "/redirect"]);
  });

  it("drops credentials on a redirect to another origin and turns a 303 POST into a GET", async () => {
    const http = createGuardedHttp({ allowedHosts: [`127.0.0.1:${port}`, `localhost:${port}`] });
    const to = encodeURIComponent(`http://localhost:${port}/echo`);
    const response = await http.request(
      request(`${base()}/redirect?status=303&to=${to}`, { followRedirects: true, method: "POST", headers: { authorization: "Bearer secret", "content-type": "text/plain", "x-keep": "1" }, body: "payload" }),
    );
    const echoed = JSON.parse(new TextDecoder().decode(response.body)) as { method: string; headers: Record<string, string>; body: string };
    expect(echoed.method).toBe("GET");
    expect(echoed.body).toBe("");
    expect(echoed.headers.authorization).toBeUndefined();
    expect(echoed.headers["content-type"]).toBeUndefined();
    expect(echoed.headers["x-keep"]).toBe("1");
  });

  it("stops after maxRedirects", async () => {
    const http = createGuardedHttp({ allowedHosts: [`127.0.0.1:${port}`], maxRedirects: 2 });
    expect((await failure(http.request(request(`${base()}/loop`, { followRedirects: true })))).code).toBe("too_many_redirects");
    expect(seen).toHaveLength(3);
  });

  it("times out after timeoutMs", async () => {
    const http = createGuardedHttp({ allowedHosts: [`127.0.0.1:${port}`] });
    const started = Date.now();
    const { code, message } = await failure(http.request(request(`${base()}/slow`, { timeoutMs: 150 })));
    expect(code).toBe("timeout");
    expect(message).toContain("did not finish within 150 ms");
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("rejects with the caller's reason when the caller aborts", async () => {
    const http = createGuardedHttp({ allowedHosts: [`127.0.0.1:${port}`] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("run cancelled")), 50);
    await expect(http.request(request(`${base()}/slow`, { signal: controller.signal }))).rejects.toThrow("run cancelled");
  });

  it("refuses bodies over maxResponseBytes, declared or streamed, compressed or not", async () => {
    const http = createGuardedHttp({ allowedHosts: [`127.0.0.1:${port}`], maxResponseBytes: 1024 });
    for (const path of ["/big", "/big-chunked", "/gzip-bomb"]) {
      const { code, message } = await failure(http.request(request(`${base()}${path}`)));
      expect(code, path).toBe("too_large");
      expect(message).toContain("larger than 1 KiB");
    }
  });

  it("decompresses gzip bodies", async () => {
    const response = await createGuardedHttp({ allowedHosts: [`127.0.0.1:${port}`] }).request(request(`${base()}/gzip`));
    expect(new TextDecoder().decode(response.body)).toBe("compressed hello");
  });

  it("reports refused connections as network errors", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { code, message } = await failure(createGuardedHttp({ allowedHosts: [`127.0.0.1:${closedPort}`] }).request(request(`http://127.0.0.1:${closedPort}/`)));
    expect(code).toBe("network");
    expect(message).toContain("ECONNREFUSED");
  });

  it("refuses non-http schemes", async () => {
    const { code, message } = await failure(createGuardedHttp().request(request("file:///etc/passwd")));
    expect(code).toBe("invalid_url");
    expect(message).toContain("Only http:// and https:// URLs");
  });
});
