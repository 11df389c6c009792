import { describe, expect, it } from "vitest";
import { createNodeTestContext } from "../../testing/node-test-context.ts";
import { templateNode } from "./template.node.ts";
import { templateSchema } from "./template.schema.ts";

const run = (template: string, pool: Record<string, Record<string, unknown>> = {}, variables: Array<{ name: string; selector: string[] }> = []) =>
  templateNode.run(templateSchema.config.parse({ template, variables }), createNodeTestContext({ pool }));

describe("template node", () => {
  it("renders Jinja2 with upstream values", async () => {
    const result = await run("Hi {{ name | upper }}: {% for item in items %}{{ item.n }}{% if not loop.last %}, {% endif %}{% endfor %}", {
      start: { name: "ada", items: [{ n: 1 }, { n: 2 }] },
    }, [
      { name: "name", selector: ["start", "name"] },
      { name: "items", selector: ["start", "items"] },
    ]);
    expect(result.outputs.output).toBe("Hi ADA: 1, 2");
    expect(result.inputs).toEqual({ name: "ada", items: [{ n: 1 }, { n: 2 }] });
  });

  it("renders a missing value as empty text", async () => {
    expect((await run("[{{ nothing }}]", {}, [{ name: "nothing", selector: ["start", "missing"] }])).outputs.output).toBe("[]");
  });

  it("serialises objects with tojson", async () => {
    const result = await run("{{ value | tojson }}", { start: { value: { a: [1, "x"] } } }, [{ name: "value", selector: ["start", "value"] }]);
    expect(result.outputs.output).toBe('{"a":[1,"x"]}');
  });

  it("cannot reach JavaScript through constructors or prototypes", async () => {
    const escapes = [
      '{{ "".constructor.constructor("return process")().pid }}',
      "{{ value.constructor.constructor('return 42')() }}",
      "{{ value.__proto__ }}",
      "{{ value.toString() }}",
      "{{ range.constructor('return process')() }}",
    ];
    for (const template of escapes) {
      const outcome = await Promise.resolve()
        .then(() => run(template, { start: { value: { a: 1 } } }, [{ name: "value", selector: ["start", "value"] }]))
        .then((result) => String(result.outputs.output), (error: unknown) => `error: ${String(error)}`);
      expect(outcome).not.toMatch(/^\d+$/);
      expect(outcome).not.toContain("object process");
    }
  });

  it("reports a template that does not compile", async () => {
    await expect(Promise.resolve().then(() => run("{% for x in %}"))).rejects.toThrow(/does not compile/);
  });

  it("flags a variable defined twice", () => {
    const problems = templateSchema.check?.(
      templateSchema.config.parse({ template: "", variables: [{ name: "a", selector: ["s", "x"] }, { name: "a", selector: ["s", "y"] }] }),
    );
    expect(problems).toEqual([{ path: ["variables", 1, "name"], message: '"a" is defined twice' }]);
  });
});
