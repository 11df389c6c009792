import { describe, expect, it } from "vitest";
import { createGuardedHttp } from "../../adapters/guarded-http.ts";
import { createNodeTestContext } from "../../testing/node-test-context.ts";
import { toolNode } from "./tool.node.ts";
import { toolConfigSchema } from "./tool.schema.ts";

function run(config: Record<string, unknown>) {
  const context = createNodeTestContext({ pool: { start: { a: 6, b: 7, text: "id=42; id=7" } }, services: { http: createGuardedHttp() } });
  return toolNode.run(toolConfigSchema.parse(config), context);
}

describe("tool node", () => {
  it("fills parameters from variables, templates and constants and returns result and text", async () => {
    const result = await run({ tool: "calculator", parameters: { expression: { type: "mixed", value: "{{#start.a#}} * {{#start.b#}}" } } });
    expect(result.outputs).toEqual({ result: 42, text: "42" });
    const matches = await run({ tool: "regex-extract", parameters: { text: { type: "variable", value: ["start", "text"] }, pattern: { type: "constant", value: "id=(\\d+)" } } });
    expect((matches.outputs.result as Array<{ groups: string[] }>).map((match) => match.groups[0])).toEqual(["42", "7"]);
  });

  it("fails with the registry's message on invalid parameters and unknown tools", async () => {
    await expect(run({ tool: "calculator", parameters: { expression: { type: "constant", value: true } } })).rejects.toThrow(
      'The arguments of "calculator" are invalid: $.expression: expected string or number, got boolean.',
    );
    await expect(run({ tool: "weather", parameters: {} })).rejects.toThrow(/There is no tool named "weather"/);
  });

});
