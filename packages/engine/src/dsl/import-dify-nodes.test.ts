import { describe, expect, it } from "vitest";
import { importRegistry } from "./fixtures/load-fixture.ts";
import { importDifyDsl, type ImportProblem } from "./import-dify.ts";

const converted = (problems: ImportProblem[]): ImportProblem[] => problems.filter((problem) => !problem.message.startsWith("Validation: "));

/** A minimal Dify workflow file around the given nodes and edges (YAML flow style is JSON). */
function difyFile(nodes: unknown[], edges: unknown[] = [], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ app: { mode: "workflow", name: "Test" }, kind: "app", version: "0.1.5", workflow: { graph: { nodes, edges }, ...extra } });
}
const start = { id: "s", type: "custom", position: { x: 0, y: 0 }, data: { type: "start", title: "Start", variables: [] } };
const end = (selector: string[]): unknown => ({ id: "e", type: "custom", data: { type: "end", title: "End", outputs: [{ variable: "out", value_selector: selector }] } });
const edge = (source: string, target: string, sourceHandle = "source"): unknown => ({ id: `${source}-${sourceHandle}-${target}`, source, sourceHandle, target, targetHandle: "target" });

describe("importDifyDsl: node by node", () => {
  it("reports unsupported comparison operators and file conditions without dropping the node", () => {
    const ifElse = {
      id: "branch",
      type: "custom",
      data: {
        type: "if-else",
        title: "Check",
        cases: [
          {
            case_id: "true",
            logical_operator: "and",
            conditions: [
              { id: "c1", variable_selector: ["s", "x"], comparison_operator: "all of", value: ["a"] },
              { id: "c2", variable_selector: ["s", "x"], comparison_operator: "contains", value: "pdf", sub_variable_condition: { conditions: [] } },
              { id: "c3", variable_selector: ["s", "x"], comparison_operator: ">=", value: "3" },
            ],
          },
        ],
      },
    };
    const result = importDifyDsl(difyFile([start, ifElse, end(["s", "x"])], [edge("s", "branch"), edge("branch", "e", "true")]));
    expect(converted(result.problems).map((problem) => [problem.nodeId, problem.path, problem.severity])).toEqual([
      ["branch", ["data", "cases", 0, "conditions", 0, "comparison_operator"], "error"],
      ["branch", ["data", "cases", 0, "conditions", 1, "sub_variable_condition"], "error"],
    ]);
    expect(result.document?.graph.nodes[1]?.config).toEqual({
      cases: [{ id: "true", logicalOperator: "and", conditions: [{ id: "c3", variable: ["s", "x"], operator: "≥", value: "3" }] }],
    });
  });

  it("reads the old single-case if-else and maps fail branches and node policies", () => {
    const ifElse = {
      id: "old",
      type: "custom",
      data: {
        type: "if-else",
        title: "Old",
        logical_operator: "or",
        conditions: [{ variable_selector: ["sys", "user_id"], comparison_operator: "empty", value: "" }],
        error_strategy: "fail-branch",
        retry_config: { retry_enabled: true, max_retries: 2, retry_interval: 500 },
      },
    };
    const result = importDifyDsl(difyFile([start, ifElse, end(["old", "result"])], [edge("s", "old"), edge("old", "e", "true"), edge("old", "e", "fail-branch")]));
    const node = result.document?.graph.nodes[1];
    expect(node?.config).toEqual({ cases: [{ id: "true", logicalOperator: "or", conditions: [{ variable: ["sys", "user_id"], operator: "empty" }] }] });
    expect(node?.policy).toEqual({ onError: "branch", retry: { attempts: 3, backoffMs: 500 } });
    expect(result.document?.graph.edges.map((item) => item.sourceHandle)).toEqual([undefined, "true", "fail"]);
    expect(result.problems).toEqual([]);
  });

  it("keeps default-value error strategies as policy defaults", () => {
    const aggregator = {
      id: "agg",
      type: "custom",
      data: {
        type: "variable-assigner",
        title: "Legacy aggregator",
        variables: [["s", "x"]],
        output_type: "number",
        error_strategy: "default-value",
        default_value: [{ key: "output", type: "number", value: "0" }],
      },
    };
    const result = importDifyDsl(difyFile([start, aggregator], [edge("s", "agg")]));
    expect(result.document?.graph.nodes[1]).toMatchObject({
      type: "variable-aggregator",
      config: { variables: [["s", "x"]], outputType: "number" },
      policy: { onError: "default", defaults: { output: 0 } },
    });
  });

  it("converts a list operator's filter, order, limit and extract", () => {
    const list = {
      id: "list",
      type: "custom",
      data: {
        type: "list-operator",
        title: "Top",
        variable: ["sys", "files"],
        filter_by: { enabled: true, conditions: [{ key: "extension", comparison_operator: "in", value: [".pdf", ".md"] }] },
        order_by: { enabled: true, key: "size", value: "desc" },
        limit: { enabled: true, size: 3 },
        extract_by: { enabled: false, serial: "1" },
      },
    };
    const result = importDifyDsl(difyFile([start, list, end(["list", "result"])], [edge("s", "list"), edge("list", "e")]));
    expect(result.document?.graph.nodes[1]?.config).toEqual({
      variable: ["sys", "files"],
      filter: { enabled: true, conditions: [{ key: "extension", operator: "in", value: [".pdf", ".md"] }], logicalOperator: "and" },
      sort: { enabled: true, key: "size", order: "desc" },
      slice: { enabled: true, offset: 0, limit: 3 },
      extract: { enabled: false, index: 1 },
    });
    expect(result.problems).toEqual([]);
  });

  it("maps environment variables, secrets and conversation variables into variables", () => {
    const result = importDifyDsl(
      difyFile([start, end(["env", "base"])], [edge("s", "e")], {
        environment_variables: [
          { name: "base", value: "https://x.test", value_type: "string" },
          { name: "token", value: "", value_type: "secret" },
        ],
        conversation_variables: [{ name: "turns", value: 0, value_type: "number" }],
      }),
    );
    expect(result.document?.variables).toEqual({ base: "https://x.test", token: "", turns: 0 });
    expect(result.problems.map((problem) => problem.severity)).toEqual(["warning", "warning"]);
  });

  it("rewrites Dify's renamed and legacy system variables", () => {
    const tpl = {
      id: "t",
      type: "custom",
      data: { type: "template-transform", title: "T", template: "{{ a }}", variables: [{ variable: "a", value_selector: ["s", "sys.user_id"] }, { variable: "b", value_selector: ["sys", "workflow_run_id"] }] },
    };
    const result = importDifyDsl(difyFile([start, tpl, end(["t", "output"])], [edge("s", "t"), edge("t", "e")]));
    expect(result.document?.graph.nodes[1]?.config).toMatchObject({ variables: [{ selector: ["sys", "user_id"] }, { selector: ["sys", "run_id"] }] });
    expect(result.problems).toEqual([]);
  });

  it("converts http-request bodies and authorizations, reporting what Tandem sends differently", () => {
    const http = (id: string, data: Record<string, unknown>): unknown => ({ id, type: "custom", data: { type: "http-request", title: id, method: "post", url: "https://x.test", headers: "", params: "", ...data } });
    const nodes = [
      start,
      http("legacy_form", { body: { type: "x-www-form-urlencoded", data: "a:1\nb: {{#s.x#}}\nbroken" }, authorization: { type: "api-key", config: { type: "basic", api_key: "user:p:w" } } }),
      http("multipart", { body: { type: "form-data", data: [{ key: "file", type: "file", value: "" }] }, authorization: { type: "api-key", config: { type: "custom", header: "X-Key", api_key: "k" } } }),
      http("raw", { method: "put", body: { type: "raw-text", data: [{ key: "", type: "text", value: "hello" }] }, authorization: { type: "api-key", config: { type: "bearer", header: "X-Token", api_key: "t" } } }),
      http("binary", { method: "trace", body: { type: "binary", data: [] }, authorization: { type: "oauth" }, ssl_verify: false }),
    ];
    const result = importDifyDsl(difyFile(nodes), { registry: importRegistry });
    const configs = Object.fromEntries((result.document?.graph.nodes ?? []).slice(1).map((node) => [node.id, node.config]));
    expect(configs.legacy_form).toMatchObject({
      body: { type: "form", fields: [{ name: "a", value: "1" }, { name: "b", value: "{{#s.x#}}" }] },
      auth: { type: "basic", username: "user", password: "p:w" },
    });
    expect(configs.multipart).toMatchObject({ body: { type: "form", fields: [{ name: "file", value: "" }] }, auth: { type: "custom", header: "X-Key", value: "k" } });
    expect(configs.raw).toMatchObject({ method: "PUT", body: { type: "raw", contentType: "text/plain", text: "hello" }, auth: { type: "custom", header: "X-Token", value: "Bearer t" } });
    expect(configs.binary).toMatchObject({ method: "GET", body: { type: "none" }, auth: { type: "none" } });
    expect(converted(result.problems).map((problem) => [problem.nodeId, problem.path.join("."), problem.severity])).toEqual([
      ["legacy_form", "data.body.data", "error"],
      ["multipart", "data.body.data", "error"],
      ["multipart", "data.body.type", "error"],
      ["binary", "data.method", "error"],
      ["binary", "data.body.type", "error"],
      ["binary", "data.authorization.type", "error"],
      ["binary", "data.ssl_verify", "warning"],
    ]);
  });

  it("keeps python code for reference and maps code output types", () => {
    const code = (id: string, language: string, outputs: Record<string, unknown>): unknown => ({
      id,
      type: "custom",
      data: { type: "code", title: id, code_language: language, code: "def main(): pass", variables: [{ variable: "x", value_selector: ["s", "x"] }], outputs },
    });
    const result = importDifyDsl(difyFile([start, code("py", "python3", { flags: { type: "array[boolean]", children: null } }), code("other", "jinja2", { f: { type: "array[file]" } })]));
    expect(result.document?.graph.nodes[1]?.config).toEqual({
      language: "python3",
      code: "def main(): pass",
      inputs: [{ name: "x", selector: ["s", "x"] }],
      outputs: [{ name: "flags", type: "array[any]" }],
    });
    expect(converted(result.problems).map((problem) => [problem.nodeId, problem.path.join("."), problem.severity, problem.message])).toEqual([
      ["py", "data.code_language", "error", "Python code nodes are not supported: rewrite it in JavaScript."],
      ["other", "data.code_language", "error", 'Code language "jinja2" is not supported: rewrite it in JavaScript.'],
      ["other", "data.outputs.f.type", "error", expect.stringContaining('Output type "array[file]" is not supported') as string],
      ["py", "data.outputs.flags.type", "warning", "Output \"flags\" is declared as array[any] (was array[boolean])."],
    ]);
  });

  it("nests containers and reports edges across their boundary and unknown parents", () => {
    const iteration = { id: "it", type: "custom", data: { type: "iteration", title: "Each", iterator_selector: ["sys", "files"], output_selector: ["inner", "output"] } };
    const inner = { id: "inner", type: "custom", parentId: "it", data: { type: "template-transform", title: "Inner", template: "x", variables: [], isInIteration: true, iteration_id: "it" } };
    const stray = { id: "stray", type: "custom", parentId: "gone", data: { type: "template-transform", title: "Stray", template: "x", variables: [] } };
    const result = importDifyDsl(difyFile([start, iteration, inner, stray, end(["it", "output"])], [edge("s", "it"), edge("it", "e"), edge("inner", "e")]));
    expect(result.document?.graph.nodes.map((node) => node.id)).toEqual(["s", "it", "stray", "e"]);
    expect(result.document?.graph.nodes[1]?.config).toMatchObject({ graph: { nodes: [{ id: "inner" }], edges: [] } });
    expect(converted(result.problems).map((problem) => [problem.nodeId, problem.message])).toEqual([
      ["stray", 'This node sits in the container "gone", which is not in the file: it was placed at the top level.'],
      ["inner", 'The edge from "inner" to "e" crosses an iteration\'s boundary, which is not allowed: it was left out.'],
    ]);
  });
});
