import { describe, expect, it } from "vitest";
import { createGuardedHttp } from "../adapters/guarded-http.ts";
import { createBuiltinTools } from "./builtin-tools.ts";
import { createToolRegistry, staticToolSource, type ToolImplementation } from "./create-tool-registry.ts";

const slow: ToolImplementation = {
  name: "slow",
  kind: "builtin",
  description: "Never answers in time.",
  parameters: { type: "object", properties: {} },
  run: (_args, context) =>
    new Promise((_resolve, reject) => {
      context.signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
    }),
};
const liar: ToolImplementation = {
  name: "liar",
  kind: "builtin",
  description: "Returns a number where it promised a string.",
  parameters: { type: "object", properties: {} },
  output: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
  run: () => Promise.resolve({ name: 42 }),
};

function registry() {
  return createToolRegistry({
    sources: [
      staticToolSource("built-in tools", createBuiltinTools({ http: createGuardedHttp() })),
      staticToolSource("test tools", [slow, liar, { ...liar, name: "calculator", description: "shadowed: the built-in wins" }]),
      { label: 'MCP server "down"', list: () => Promise.reject(new Error("connection refused")) },
    ],
  });
}
const signal = new AbortController().signal;

describe("tool registry", () => {
  it("lists built-ins first; a failing source hides only its own tools; an earlier source wins a name", async () => {
    const tools = await registry().list();
    expect(tools.map((tool) => tool.name)).toEqual(["current-time", "calculator", "regex-extract", "json-path", "http-fetch", "slow", "liar"]);
    expect(tools.find((tool) => tool.name === "calculator")?.description).toMatch(/arithmetic/);
    expect(await registry().get("nope")).toBeUndefined();
  });

  it("calls built-ins and checks their output", async () => {
    expect(await registry().call("calculator", { expression: "(3 + 4) * 2" }, { signal })).toEqual({ ok: true, output: 14 });
    expect(await registry().call("json-path", { json: '{"items":[{"id":1},{"id":2}]}', path: "$.items[*].id" }, { signal })).toEqual({ ok: true, output: [1, 2] });
    const regex = await registry().call("regex-extract", { text: "order 12 and order 345", pattern: "order (?<id>\\d+)" }, { signal });
    expect(regex).toEqual({ ok: true, output: [expect.objectContaining({ match: "order 12", groups: ["12"], named: { id: "12" } }), expect.objectContaining({ match: "order 345" })] });
    const time = await registry().call("current-time", { timezone: "Asia/Tokyo" }, { signal });
    expect(time.ok && String(time.output)).toMatch(/Asia\/Tokyo, UTC\+09:00/);
  });

  it("refuses invalid arguments before the tool runs, naming what is wrong", async () => {
    const result = await registry().call("calculator", { expresion: "1 + 1" }, { signal });
    expect(result).toEqual({ ok: false, error: { code: "invalid-arguments", message: 'The arguments of "calculator" are invalid: $.expression: is required.' } });
  });

  it("reports unknown tools, with why a source is missing", async () => {
    const result = await registry().call("read_file", {}, { signal });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe("unknown-tool");
    expect(!result.ok && result.error.message).toMatch(/MCP server "down" could not be listed: connection refused/);
  });

  it("times out a slow tool and aborts it", async () => {
    const started = Date.now();
    const result = await registry().call("slow", {}, { signal, timeoutMs: 100 });
    expect(result).toEqual({ ok: false, error: { code: "timeout", message: 'The tool "slow" did not answer within 100 ms.' } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("refuses output that does not match the tool's schema", async () => {
    const result = await registry().call("liar", {}, { signal });
    expect(!result.ok && result.error).toEqual({ code: "invalid-output", message: 'The tool "liar" returned output that does not match its schema: $.name: expected string, got number.' });
  });

  it("turns a tool's exception into a failed result", async () => {
    const result = await registry().call("calculator", { expression: "2 +* 3" }, { signal });
    expect(result).toEqual({ ok: false, error: { code: "failed", message: 'The tool "calculator" failed: Unexpected "*".' } });
  });

  it("lists each source once per registry, and only the sources that can own the called name", async () => {
    let listed = 0;
    const counted = createToolRegistry({
      sources: [
        staticToolSource("built-in tools", createBuiltinTools({ http: createGuardedHttp() })),
        { label: "remote", owns: (name) => name.startsWith("remote__"), list: () => Promise.resolve([{ ...liar, name: "remote__liar", output: undefined }]).finally(() => (listed += 1)) },
      ],
    });
    expect(await counted.call("calculator", { expression: "1 + 1" }, { signal })).toEqual({ ok: true, output: 2 });
    expect(listed).toBe(0);
    expect(await counted.call("remote__liar", {}, { signal })).toEqual({ ok: true, output: { name: 42 } });
    expect(await counted.call("remote__liar", {}, { signal })).toEqual({ ok: true, output: { name: 42 } });
    expect(listed).toBe(1);
  });

  it("refuses http-fetch to a private address through the SSRF guard", async () => {
    const result = await registry().call("http-fetch", { url: "http://127.0.0.1:9/" }, { signal });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toMatch(/127\.0\.0\.1/);
  });
});
