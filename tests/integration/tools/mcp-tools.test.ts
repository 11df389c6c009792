// MCP tools through the official SDK against a real MCP server: spawned over stdio as a child process,
// and in-process over Streamable HTTP. Listing, calls with structured and text output, the server's
// errors, timeouts, the SSRF guard on the URL, and the stdio process stopped when Tandem closes.
import path from "node:path";
import { createMcpClients, saveToolProvider, type ToolProviderInput } from "@tandem/runner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot, tsxBin } from "../../support/processes.ts";
import { startMcpHttpServer, type McpHttpServer } from "./support/mcp-http-server.ts";
import { startToolsFixture, workflowDocument, type ToolsFixture } from "./support/tools-fixture.ts";

let fixture: ToolsFixture;
let http: McpHttpServer;
let workspaceId = "";
const signal = new AbortController().signal;
const stdioServer = path.join(projectRoot, "tests/integration/tools/support/mcp-stdio-server.ts");

function save(target: string, allowedHosts: string[], input: ToolProviderInput) {
  return saveToolProvider(fixture.tandem.db.prisma, fixture.tandem.secrets, { id: target, allowedHosts }, input);
}

beforeAll(async () => {
  fixture = await startToolsFixture("mcp-tools");
  http = await startMcpHttpServer();
  workspaceId = await fixture.createWorkspace("mcp", [http.host]);
  await save(workspaceId, [http.host], { name: "local", config: { kind: "mcp", transport: { type: "stdio", command: tsxBin, args: [stdioServer] }, timeoutMs: 5000 } });
  await save(workspaceId, [http.host], {
    name: "remote",
    config: { kind: "mcp", transport: { type: "http", url: http.url }, timeoutMs: 5000 },
    credentials: { headers: { authorization: "Bearer mcp-secret" } },
  });
}, 60_000);
afterAll(async () => {
  await fixture?.close();
  await http?.close();
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("MCP tools", () => {
  it("lists the tools of a stdio server and of a Streamable HTTP server, with their schemas", async () => {
    const tools = await fixture.toolsOf(workspaceId);
    const names = (await tools.list()).map((tool) => tool.name);
    for (const prefix of ["local", "remote"]) {
      expect(names).toEqual(expect.arrayContaining([`${prefix}__add`, `${prefix}__shout`, `${prefix}__sleep`, `${prefix}__fail`]));
    }
    expect(await tools.get("local__add")).toMatchObject({
      kind: "mcp",
      description: "Add two numbers",
      parameters: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] },
      output: { type: "object", properties: { sum: { type: "number" } } },
    });
  }, 30_000);

  it("calls tools over both transports: structured output, text output, and the credentials as headers", async () => {
    const tools = await fixture.toolsOf(workspaceId);
    expect(await tools.call("local__add", { a: 2, b: 40 }, { signal })).toEqual({ ok: true, output: { sum: 42 } });
    expect(await tools.call("remote__add", { a: 1.5, b: 1 }, { signal })).toEqual({ ok: true, output: { sum: 2.5 } });
    expect(await tools.call("local__shout", { text: "quiet" }, { signal })).toEqual({ ok: true, output: "QUIET" });
    expect(await tools.call("remote__shout", { text: "hello" }, { signal })).toEqual({ ok: true, output: "HELLO" });
    expect(http.authorizations.length).toBeGreaterThan(0);
    expect(new Set(http.authorizations)).toEqual(new Set(["Bearer mcp-secret"]));
  }, 30_000);

  it("reports invalid arguments, the server's own error and a timeout as results, and keeps working after", async () => {
    const tools = await fixture.toolsOf(workspaceId);
    const invalid = await tools.call("local__add", { a: "two", b: 1 }, { signal });
    expect(invalid).toEqual({ ok: false, error: { code: "invalid-arguments", message: 'The arguments of "local__add" are invalid: $.a: expected number, got string.' } });
    const failed = await tools.call("remote__fail", {}, { signal });
    expect(failed).toEqual({ ok: false, error: { code: "failed", message: 'The tool "remote__fail" failed: the disk is on fire' } });
    const started = Date.now();
    const slow = await tools.call("local__sleep", { ms: 5000 }, { signal, timeoutMs: 300 });
    expect(slow).toEqual({ ok: false, error: { code: "timeout", message: 'The tool "local__sleep" did not answer within 300 ms.' } });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await tools.call("local__add", { a: 1, b: 1 }, { signal })).toEqual({ ok: true, output: { sum: 2 } });
  }, 30_000);

  it("a tool node that times out takes its fail branch, with the error to read", async () => {
    const document = workflowDocument({
      schemaVersion: 1,
      kind: "workflow",
      graph: {
        nodes: [
          { id: "start", type: "start", version: 1, config: { variables: [] } },
          { id: "nap", type: "tool", version: 1, config: { tool: "remote__sleep", parameters: { ms: { type: "constant", value: 5000 } }, timeoutMs: 300 }, policy: { onError: "branch" } },
          { id: "end", type: "end", version: 1, config: { outputs: [{ name: "error", selector: ["nap", "error_message"] }] } },
        ],
        edges: [
          { id: "e1", source: "start", target: "nap" },
          { id: "e2", source: "nap", sourceHandle: "fail", target: "end" },
        ],
      },
    });
    const finished = await fixture.run(workspaceId, document);
    expect(finished.status).toBe("succeeded");
    expect(finished.outputs).toEqual({ error: 'The tool "remote__sleep" did not answer within 300 ms.' });
  }, 30_000);

  it("refuses an MCP URL on a private address the workspace does not allow, naming the server", async () => {
    const closed = await fixture.createWorkspace("mcp-closed", []);
    await save(closed, [], { name: "remote", config: { kind: "mcp", transport: { type: "http", url: http.url } } });
    const before = http.authorizations.length;
    const result = await (await fixture.toolsOf(closed)).call("remote__add", { a: 1, b: 2 }, { signal });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe("unknown-tool");
    expect(!result.ok && result.error.message).toMatch(/MCP server "remote" could not be listed: .*127\.0\.0\.1/);
    expect(http.authorizations.length).toBe(before);
  });

  it("reports a stdio command that does not start", async () => {
    const broken = await fixture.createWorkspace("mcp-broken", []);
    await save(broken, [], { name: "nothing", config: { kind: "mcp", transport: { type: "stdio", command: "/nonexistent/mcp-server" }, connectTimeoutMs: 3000 } });
    const result = await (await fixture.toolsOf(broken)).call("nothing__add", {}, { signal });
    expect(!result.ok && result.error.message).toMatch(/MCP server "nothing" could not be listed: Could not connect to the MCP server/);
  });

  it("refuses a stdio command the server does not allow (TANDEM_MCP_STDIO_COMMANDS)", async () => {
    const clients = createMcpClients({ stdioCommands: ["/usr/local/bin/mcp-files"] });
    const provider = { id: "p1", name: "local", version: "1", credentials: {}, config: { kind: "mcp" as const, transport: { type: "stdio" as const, command: tsxBin, args: [stdioServer] }, connectTimeoutMs: 3000, timeoutMs: 3000 } };
    await expect(clients.source(provider, []).list(signal)).rejects.toThrow(`"${tsxBin}" is not one this server allows (TANDEM_MCP_STDIO_COMMANDS)`);
    await clients.close();
  });

  it("stops the stdio server process when Tandem closes", async () => {
    const tools = await fixture.toolsOf(workspaceId);
    const answer = await tools.call("local__pid", {}, { signal });
    const pid = answer.ok ? Number(answer.output) : Number.NaN;
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(true);
    await fixture.tandem.close();
    const deadline = Date.now() + 5000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isAlive(pid)).toBe(false);
  }, 30_000);
});
