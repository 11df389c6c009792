import { describe, expect, it } from "vitest";
import { importDifyDsl, type ImportProblem } from "./import-dify.ts";

const converted = (problems: ImportProblem[]): ImportProblem[] => problems.filter((problem) => !problem.message.startsWith("Validation: "));

function difyFile(nodes: unknown[], edges: unknown[]): string {
  return JSON.stringify({ app: { mode: "workflow", name: "Tools" }, kind: "app", version: "0.1.5", workflow: { graph: { nodes, edges } } });
}
const start = { id: "s", type: "custom", data: { type: "start", title: "Start", variables: [{ variable: "city", label: "City", type: "text-input", required: true }] } };
const edge = (source: string, target: string): unknown => ({ id: `${source}-${target}`, source, sourceHandle: "source", target, targetHandle: "target" });
const toolNode = (id: string, data: Record<string, unknown>): unknown => ({ id, type: "custom", data: { type: "tool", title: id, ...data } });

describe("importDifyDsl: tool nodes", () => {
  const file = difyFile(
    [
      start,
      toolNode("clock", { provider_id: "time", provider_name: "time", provider_type: "builtin", tool_name: "current_time", tool_configurations: { timezone: "Asia/Shanghai" }, tool_parameters: {} }),
      toolNode("forecast", {
        provider_id: "f1b6c1d0",
        provider_name: "weather",
        provider_type: "api",
        tool_name: "get_forecast",
        tool_label: "Forecast",
        tool_parameters: { city: { type: "variable", value: ["s", "city"] }, days: { type: "constant", value: 3 } },
      }),
      { id: "e", type: "custom", data: { type: "end", title: "End", outputs: [{ variable: "out", value_selector: ["forecast", "text"] }] } },
    ],
    [edge("s", "clock"), edge("clock", "forecast"), edge("forecast", "e")],
  );

  it("maps Dify built-ins to Tandem's and custom tools to provider__tool when the workspace has them", () => {
    const result = importDifyDsl(file, { tools: ["current-time", "weather__get_forecast"] });
    expect(result.problems.filter((problem) => problem.severity === "error")).toEqual([]);
    const nodes = result.document?.graph.nodes ?? [];
    expect(nodes.find((node) => node.id === "clock")?.config).toEqual({ tool: "current-time", parameters: { timezone: { type: "constant", value: "Asia/Shanghai" } } });
    expect(nodes.find((node) => node.id === "forecast")?.config).toEqual({
      tool: "weather__get_forecast",
      parameters: { city: { type: "variable", value: ["s", "city"] }, days: { type: "constant", value: 3 } },
    });
  });

  it("reports a tool the workspace does not have, naming it and the name Tandem looked for", () => {
    const result = importDifyDsl(file);
    expect(converted(result.problems).map((problem) => [problem.nodeId, problem.path, problem.severity])).toEqual([["forecast", ["data", "tool_name"], "error"]]);
    expect(converted(result.problems)[0]?.message).toContain('the Dify api tool "Forecast" (weather/get_forecast), which this Tandem workspace does not have as "weather__get_forecast"');
  });
});
