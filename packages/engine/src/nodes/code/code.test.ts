import { describe, expect, it } from "vitest";
import { createQuickJsSandbox } from "../../adapters/quickjs-sandbox.ts";
import { isSandboxError } from "../../adapters/sandbox-error.ts";
import { createNodeTestContext } from "../../testing/node-test-context.ts";
import { isCodeNodeError } from "./code-node-error.ts";
import { codeNode } from "./code.node.ts";
import { codeConfigSchema, codeSchema } from "./code.schema.ts";

const sandbox = createQuickJsSandbox();
const pool = { start: { query: "Hello World", numbers: [3, 1, 2] }, llm: { text: "  padded  " } };

async function run(config: Record<string, unknown>) {
  const context = createNodeTestContext({ pool, services: { sandbox } });
  return codeNode.run(codeConfigSchema.parse(config), context);
}

async function failure(config: Record<string, unknown>): Promise<{ code: string; message: string }> {
  const error: unknown = await run(config).then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!isCodeNodeError(error) && !isSandboxError(error)) throw new Error(`expected a coded error, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

const inputs = [
  { name: "query", selector: ["start", "query"] },
  { name: "numbers", selector: ["start", "numbers"] },
  { name: "text", selector: ["llm", "text"] },
  { name: "missing", selector: ["start", "nope"] },
];

describe("code node", () => {
  it("runs main on the resolved inputs and returns the declared outputs only", async () => {
    const result = await run({
      code: `function main({ query, numbers, text, missing }) {
        const sorted = [...numbers].sort((a, b) => a - b);
        return { words: query.split(" "), total: sorted.reduce((a, b) => a + b, 0), sorted, trimmed: text.trim(),
          meta: { missingIsNull: missing === null }, items: sorted.map((n) => ({ n })), extra: "dropped" };
      }`,
      inputs,
      outputs: [
        { name: "words", type: "array[string]" },
        { name: "total", type: "number" },
        { name: "sorted", type: "array[number]" },
        { name: "trimmed", type: "string" },
        { name: "meta", type: "object" },
        { name: "items", type: "array[object]" },
      ],
    });
    expect(result.outputs).toEqual({
      words: ["Hello", "World"],
      total: 6,
      sorted: [1, 2, 3],
      trimmed: "padded",
      meta: { missingIsNull: true },
      items: [{ n: 1 }, { n: 2 }, { n: 3 }],
    });
    expect(result.inputs).toEqual({ query: "Hello World", numbers: [3, 1, 2], text: "  padded  ", missing: null });
  });

  it("runs async main", async () => {
    const result = await run({ code: "async function main({ query }) { return { upper: await Promise.resolve(query.toUpperCase()) }; }", inputs, outputs: [{ name: "upper", type: "string" }] });
    expect(result.outputs).toEqual({ upper: "HELLO WORLD" });
  });

  it("names the output, the expected type and what came back on a type mismatch", async () => {
    const { code, message } = await failure({ code: "function main() { return { count: '3' }; }", outputs: [{ name: "count", type: "number" }] });
    expect(code).toBe("output_type");
    expect(message).toBe('Output "count" should be number, but main returned a string ("3"). Convert it in the code, or change the declared type.');
  });

  it("points at the wrong item of an array output", async () => {
    const { code, message } = await failure({ code: "function main() { return { tags: ['a', 2] }; }", outputs: [{ name: "tags", type: "array[string]" }] });
    expect(code).toBe("output_type");
    expect(message).toContain("an array whose item 1 is a number (2)");
  });

  it("reports a declared output that main did not return", async () => {
    const { code, message } = await failure({
      code: "function main() { return { a: 1 }; }",
      outputs: [
        { name: "a", type: "number" },
        { name: "b", type: "string" },
      ],
    });
    expect(code).toBe("output_missing");
    expect(message).toContain('main\'s result has no "b" (declared as string)');
  });

  it("reports a result that is not an object", async () => {
    expect(await failure({ code: "function main() { return [1]; }", outputs: [{ name: "a", type: "number" }] })).toMatchObject({
      code: "invalid_output",
      message: expect.stringContaining("returned an array (1 items)") as unknown,
    });
  });

  it("surfaces the sandbox's timeout", async () => {
    const started = Date.now();
    const { code, message } = await failure({ code: "function main() { for (;;) {} }", outputs: [{ name: "a", type: "number" }], timeoutMs: 100 });
    expect(code).toBe("timeout");
    expect(message).toContain("100 ms");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("surfaces syntax and runtime errors", async () => {
    expect((await failure({ code: "function main() { return { a: }; }", outputs: [{ name: "a", type: "number" }] })).code).toBe("syntax");
    expect(await failure({ code: "function main(inputs) { return { a: inputs.nope.deeper }; }", outputs: [{ name: "a", type: "number" }] })).toMatchObject({
      code: "runtime",
      message: expect.stringContaining("TypeError") as unknown,
    });
  });

  it("declares its outputs with their types", () => {
    const config = codeConfigSchema.parse({ code: "function main() {}", outputs: [{ name: "n", type: "number" }, { name: "list", type: "array[any]" }] });
    expect(codeSchema.outputs(config)).toEqual([
      { name: "n", type: "number" },
      { name: "list", type: "array[any]" },
    ]);
    expect(codeSchema.pure).toBe(true);
  });

  it("refuses duplicate names, a missing main and invalid configs", () => {
    const config = codeConfigSchema.parse({
      code: "return 1",
      inputs: [
        { name: "x", selector: ["a", "b"] },
        { name: "x", selector: ["a", "c"] },
      ],
      outputs: [
        { name: "y", type: "string" },
        { name: "y", type: "number" },
      ],
    });
    expect(codeSchema.check?.(config)).toEqual([
      { path: ["inputs", 1, "name"], message: '"x" is defined twice' },
      { path: ["outputs", 1, "name"], message: '"y" is defined twice' },
      { path: ["code"], message: "define function main(inputs) { return { ... } }" },
    ]);
    expect(codeConfigSchema.safeParse({ code: "", outputs: [] }).success).toBe(false);
    expect(codeConfigSchema.safeParse({ code: "", language: "python3", outputs: [{ name: "a", type: "string" }] }).success).toBe(false);
    expect(codeConfigSchema.safeParse({ code: "", outputs: [{ name: "1a", type: "string" }] }).success).toBe(false);
    expect(codeConfigSchema.safeParse({ code: "", outputs: [{ name: "a", type: "file" }] }).success).toBe(false);
    expect(codeConfigSchema.safeParse({ code: "", outputs: [{ name: "a", type: "string" }], timeoutMs: 60_001 }).success).toBe(false);
    expect(codeConfigSchema.safeParse({ code: "", outputs: [{ name: "a", type: "string" }], memoryMb: 513 }).success).toBe(false);
  });
});
