import { describe, expect, it } from "vitest";
import { createQuickJsSandbox } from "./quickjs-sandbox.ts";
import { isSandboxError, type SandboxError } from "./sandbox-error.ts";

const sandbox = createQuickJsSandbox();
const limits = { timeoutMs: 1_000, memoryBytes: 64 * 1024 * 1024 };

async function failure(code: string, inputs: Record<string, unknown> = {}, overrides: Partial<typeof limits> = {}): Promise<SandboxError> {
  const error: unknown = await sandbox.run(code, inputs, { ...limits, ...overrides }).then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!isSandboxError(error)) throw new Error(`expected a SandboxError, got ${String(error)}`);
  return error;
}

describe("createQuickJsSandbox", () => {
  it("returns what main computes from its inputs", async () => {
    const code = `function main(inputs) {
      return { total: inputs.items.reduce((sum, item) => sum + item.price, 0), names: inputs.items.map((item) => item.name.toUpperCase()), ok: true, nothing: null };
    }`;
    const result = await sandbox.run(code, { items: [{ name: "a", price: 2 }, { name: "b", price: 3.5 }] }, limits);
    expect(result).toEqual({ total: 5.5, names: ["A", "B"], ok: true, nothing: null });
  });

  it("accepts main declared with const and arrow functions", async () => {
    await expect(sandbox.run("const main = ({ x }) => ({ doubled: x * 2 });", { x: 21 }, limits)).resolves.toEqual({ doubled: 42 });
  });

  it("runs async main to completion", async () => {
    const code = `async function main(inputs) {
      const value = await Promise.resolve(inputs.n);
      const more = await new Promise((resolve) => resolve(value + 1));
      return { value, more };
    }`;
    await expect(sandbox.run(code, { n: 1 }, limits)).resolves.toEqual({ value: 1, more: 2 });
  });

  it("surfaces an async rejection as a runtime error", async () => {
    const error = await failure("async function main() { await null; throw new TypeError('bad input'); }");
    expect(error.code).toBe("runtime");
    expect(error.message).toContain("TypeError: bad input");
  });

  it("stops an endless loop at the timeout", async () => {
    const started = Date.now();
    const error = await failure("function main() { while (true) {} }", {}, { timeoutMs: 100 });
    expect(error.code).toBe("timeout");
    expect(error.message).toContain("100 ms");
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("cannot catch its way out of the timeout", async () => {
    const error = await failure("function main() { for (;;) { try { while (true) {} } catch (e) {} } }", {}, { timeoutMs: 100 });
    expect(error.code).toBe("timeout");
  });

  it("stops an endless chain of promise jobs at the timeout", async () => {
    const error = await failure("async function main() { for (;;) await null; }", {}, { timeoutMs: 100 });
    expect(error.code).toBe("timeout");
  });

  it("refuses an allocation beyond the memory limit", async () => {
    const error = await failure("function main() { const buffer = new ArrayBuffer(200 * 1024 * 1024); return { size: buffer.byteLength }; }");
    expect(error.code).toBe("memory");
    expect(error.message).toContain("64 MB");
  });

  it("caps the total of many allocations, each under the limit", async () => {
    // QuickJS's own limit misses these under Emscripten; the instance's capped memory must catch them.
    const started = Date.now();
    for (const code of [
      "function main() { const all = []; for (;;) all.push(new ArrayBuffer(1024 * 1024)); }",
      "function main() { const all = []; for (;;) all.push('x'.repeat(1024 * 1024) + all.length); }",
      "function main() { const all = []; for (;;) all.push({ index: all.length, text: 'item ' + all.length }); }",
    ]) {
      expect((await failure(code, {}, { timeoutMs: 10_000 })).code, code).toBe("memory");
    }
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it("stops catastrophic regular expressions at the timeout", async () => {
    expect((await failure("function main() { return { r: /(a+)+b/.test('a'.repeat(40)) }; }", {}, { timeoutMs: 100 })).code).toBe("timeout");
  });

  it("reports endless recursion", async () => {
    expect(await failure("function main() { function down(n) { return down(n + 1) + 1; } return { v: down(0) }; }")).toMatchObject({
      code: "runtime",
      message: expect.stringContaining("stack overflow") as unknown,
    });
  });

  it("exposes no host capabilities", async () => {
    const code = `function main() {
      return { require: typeof require, process: typeof process, fetch: typeof fetch, globalProcess: typeof globalThis.process,
        setTimeout: typeof setTimeout, XMLHttpRequest: typeof XMLHttpRequest, std: typeof std, os: typeof os, console: typeof console.log };
    }`;
    await expect(sandbox.run(code, {}, limits)).resolves.toEqual({
      require: "undefined",
      process: "undefined",
      fetch: "undefined",
      globalProcess: "undefined",
      setTimeout: "undefined",
      XMLHttpRequest: "undefined",
      std: "undefined",
      os: "undefined",
      console: "function",
    });
  });

  it("reports syntax errors with their line", async () => {
    const error = await failure("function main(inputs) {\n  return { a: 1 \n}}}");
    expect(error.code).toBe("syntax");
    expect(error.message).toMatch(/^The code has a syntax error: SyntaxError: .+ \(line \d\)\.$/);
    expect(error.line).toBeGreaterThanOrEqual(2);
  });

  it("reports a SyntaxError thrown at run time as a runtime error", async () => {
    const error = await failure("function main() { return JSON.parse('{nope'); }");
    expect(error.code).toBe("runtime");
    expect(error.message).toContain("SyntaxError");
  });

  it("surfaces a thrown error's message and line", async () => {
    const error = await failure("function main(inputs) {\n  if (!inputs.id) {\n    throw new Error('id is required');\n  }\n}");
    expect(error.code).toBe("runtime");
    expect(error.message).toBe("The code threw Error: id is required (line 3).");
    expect(error.line).toBe(3);
  });

  it("surfaces thrown non-errors", async () => {
    expect((await failure("function main() { throw 'plain text'; }")).message).toBe('The code threw "plain text".');
    expect((await failure("function main() { throw 10n; }")).message).toBe("The code threw 10n.");
  });

  it("refuses results that are not JSON", async () => {
    expect(await failure("function main() { return () => 1; }")).toMatchObject({ code: "invalid_output", message: expect.stringContaining("is a function") as unknown });
    expect(await failure("function main() { return { nested: { fn: function () {} } }; }")).toMatchObject({
      code: "invalid_output",
      message: expect.stringContaining('"fn" is a function') as unknown,
    });
    expect((await failure("function main() { return { big: 10n }; }")).code).toBe("invalid_output");
    expect((await failure("function main() { const a = {}; a.self = a; return a; }")).code).toBe("invalid_output");
    expect((await failure("function main() {}")).message).toContain("main returned undefined");
  });

  it("requires a main function", async () => {
    expect((await failure("const x = 1;")).message).toContain("must define a function main(inputs)");
  });

  it("collects console.log lines, capped", async () => {
    const { result, logs } = await sandbox.execute(
      "function main() { console.log('hello', { a: 1 }, [2], 3); console.error(new Error('oops')); for (let i = 0; i < 500; i++) console.log(i); return {}; }",
      {},
      limits,
    );
    expect(result).toEqual({});
    expect(logs.slice(0, 3)).toEqual(['hello {"a":1} [2] 3', "Error: oops", "0"]);
    expect(logs).toHaveLength(201);
    expect(logs.at(-1)).toContain("more output dropped");
  });

  it("keeps no state between runs", async () => {
    await sandbox.run("globalThis.leak = 1; function main() { return {}; }", {}, limits);
    await expect(sandbox.run("function main() { return { leak: typeof leak }; }", {}, limits)).resolves.toEqual({ leak: "undefined" });
  });

  it("does not grow memory over 200 sequential runs", async () => {
    const code = "function main(inputs) { const data = []; for (let i = 0; i < 2000; i++) data.push({ i, text: 'item ' + i }); return { count: data.length + inputs.n }; }";
    for (let index = 0; index < 20; index += 1) await sandbox.run(code, { n: index }, limits);
    const before = process.memoryUsage().rss;
    for (let index = 0; index < 200; index += 1) {
      await expect(sandbox.run(code, { n: index }, limits)).resolves.toEqual({ count: 2000 + index });
    }
    await failure("function main() { while (true) {} }", {}, { timeoutMs: 20 });
    await failure("function main() { new ArrayBuffer(200 * 1024 * 1024) }");
    const grownMegabytes = (process.memoryUsage().rss - before) / (1024 * 1024);
    expect(grownMegabytes).toBeLessThan(100);
  });
});
