import { describe, expect, it } from "vitest";
import { validateWorkflow } from "../validation/validate-workflow.ts";
import { importRegistry, loadFixture } from "./fixtures/load-fixture.ts";
import { importDifyDsl } from "./import-dify.ts";

describe("importDifyDsl: a workflow with every converted node type", () => {
  const result = importDifyDsl(loadFixture("dify-workflow.yml"), { registry: importRegistry });
  const nodes = new Map((result.document?.graph.nodes ?? []).map((node) => [node.id, node]));

  it("imports with no problems and passes validation", () => {
    expect(result.problems).toEqual([]);
    expect(result.app?.name).toBe("Weather advice");
    expect(result.document?.kind).toBe("workflow");
    expect(result.document?.variables).toEqual({ weather_key: "test-key" });
    expect([...nodes.values()].map((node) => [node.id, node.type, node.title])).toEqual([
      ["1720000000001", "start", "Start"],
      ["1720000000002", "http-request", "Fetch forecast"],
      ["1720000000003", "code", "Parse forecast"],
      ["1720000000004", "if-else", "Hot or rainy?"],
      ["1720000000005", "template", "Hot advice"],
      ["1720000000006", "template", "Rain advice"],
      ["1720000000007", "variable-aggregator", "Advice"],
      ["1720000000008", "end", "End"],
    ]);
    expect(validateWorkflow(result.document, { registry: importRegistry })).toMatchObject({ ok: true, problems: [] });
  });

  it("converts each node's config exactly", () => {
    expect(nodes.get("1720000000001")?.config).toEqual({
      variables: [
        { name: "city", label: "City", type: "text", required: true, maxLength: 48 },
        { name: "days", label: "Days ahead", type: "number", required: false },
      ],
    });
    expect(nodes.get("1720000000002")).toMatchObject({
      config: {
        method: "GET",
        url: "https://api.weather.example/v1/forecast",
        headers: [
          { name: "Accept", value: "application/json" },
          { name: "X-Days", value: "{{#1720000000001.days#}}" },
        ],
        params: [
          { name: "units", value: "metric" },
          { name: "q", value: "{{#1720000000001.city#}}" },
        ],
        body: { type: "none" },
        auth: { type: "bearer", token: "{{#env.weather_key#}}" },
        timeoutMs: 30_000,
      },
      policy: { onError: "fail", retry: { attempts: 3, backoffMs: 500 } },
    });
    expect(Object.keys(nodes.get("1720000000002")?.config ?? {})).toEqual(["method", "url", "headers", "params", "body", "auth", "timeoutMs"]);
    expect(nodes.get("1720000000003")?.config).toEqual({
      language: "javascript",
      code: "function main({ body }) {\n  const data = JSON.parse(body);\n  return { temperature: data.temperature, summary: data.summary };\n}\n",
      inputs: [{ name: "body", selector: ["1720000000002", "body"] }],
      outputs: [
        { name: "summary", type: "string" },
        { name: "temperature", type: "number" },
      ],
    });
    expect(nodes.get("1720000000004")?.config).toEqual({
      cases: [
        {
          id: "true",
          logicalOperator: "and",
          conditions: [{ id: "8f2d6c1a-0f4b-4d8e-9a1c-2b3c4d5e6f70", variable: ["1720000000003", "temperature"], operator: ">", value: "25" }],
        },
        {
          id: "b2c0ffee-5d1a-4c52-9f1e-0a7e3f1d2c3b",
          logicalOperator: "or",
          conditions: [
            { id: "1c9e3b7a-6d5f-4e2a-8b1c-0d9e8f7a6b5c", variable: ["1720000000003", "summary"], operator: "contains", value: "rain" },
            { id: "2d0f4c8b-7e6a-4f3b-9c2d-1e0f9a8b7c6d", variable: ["1720000000001", "city"], operator: "not empty" },
          ],
        },
      ],
    });
    expect(nodes.get("1720000000005")?.config).toEqual({
      variables: [
        { name: "temperature", selector: ["1720000000003", "temperature"] },
        { name: "city", selector: ["1720000000001", "city"] },
      ],
      template: "It will be hot in {{ city }}: {{ temperature }}°C.",
    });
    expect(nodes.get("1720000000006")?.config).toEqual({ variables: [{ name: "summary", selector: ["1720000000003", "summary"] }], template: "Take an umbrella: {{ summary }}" });
    expect(nodes.get("1720000000007")?.config).toEqual({
      variables: [
        ["1720000000005", "output"],
        ["1720000000006", "output"],
      ],
      outputType: "string",
    });
    expect(nodes.get("1720000000008")?.config).toEqual({
      outputs: [
        { name: "advice", selector: ["1720000000007", "output"] },
        { name: "temperature", selector: ["1720000000003", "temperature"] },
      ],
    });
    for (const node of nodes.values()) if (node.id !== "1720000000002") expect(node.policy).toBeUndefined();
  });

  it("keeps the edges, with case ids as handles and the default handle left out", () => {
    expect(result.document?.graph.edges.map((edge) => [edge.source, edge.sourceHandle ?? "-", edge.target])).toEqual([
      ["1720000000001", "-", "1720000000002"],
      ["1720000000002", "-", "1720000000003"],
      ["1720000000003", "-", "1720000000004"],
      ["1720000000004", "true", "1720000000005"],
      ["1720000000004", "b2c0ffee-5d1a-4c52-9f1e-0a7e3f1d2c3b", "1720000000006"],
      ["1720000000005", "-", "1720000000007"],
      ["1720000000006", "-", "1720000000007"],
      ["1720000000007", "-", "1720000000008"],
    ]);
    expect(result.document?.graph.edges[0]?.id).toBe("1720000000001-source-1720000000002-target");
  });
});

describe("importDifyDsl: supported apps", () => {
  it("turns an advanced-chat app into a chatflow", () => {
    const result = importDifyDsl(loadFixture("dify-chatflow.yml"), { registry: importRegistry });
    expect(result.problems).toEqual([]);
    expect(result.app).toEqual({ name: "Greeter", description: "Greets the user in the chat", icon: "🤖", mode: "advanced-chat" });
    expect(result.document).toEqual({
      schemaVersion: 1,
      kind: "chatflow",
      settings: { private: false, maxSteps: 500, maxDurationMs: 600_000 },
      variables: { greeting: "Hello", max_turns: 5 },
      graph: {
        nodes: [
          {
            id: "1719000000001",
            type: "start",
            version: 1,
            position: { x: 80, y: 282 },
            title: "Start",
            config: { variables: [{ name: "name", label: "Your name", type: "text", required: false, maxLength: 48 }] },
          },
          {
            id: "1719000000002",
            type: "template",
            version: 1,
            position: { x: 384, y: 282 },
            title: "Compose",
            config: {
              template: "{{ greeting }}, {{ name }}! You asked: {{ question }}",
              variables: [
                { name: "greeting", selector: ["env", "greeting"] },
                { name: "name", selector: ["1719000000001", "name"] },
                { name: "question", selector: ["sys", "query"] },
              ],
            },
          },
          { id: "answer", type: "answer", version: 1, position: { x: 688, y: 282 }, title: "Answer", config: { answer: "{{#1719000000002.output#}}" } },
        ],
        edges: [
          { id: "1719000000001-source-1719000000002-target", source: "1719000000001", target: "1719000000002" },
          { id: "1719000000002-source-answer-target", source: "1719000000002", target: "answer" },
        ],
      },
    });
    expect(validateWorkflow(result.document).ok).toBe(true);
  });

  it("moves an iteration's body inside it and drops its start node", () => {
    const result = importDifyDsl(loadFixture("dify-iteration.yml"), { registry: importRegistry });
    expect(result.problems).toEqual([]);
    const document = result.document;
    expect(document?.kind).toBe("workflow");
    expect(document?.graph.nodes.map((node) => node.id)).toEqual(["1721000000001", "1721000000002", "1721000000004"]);
    expect(document?.graph.edges.map((edge) => [edge.source, edge.target])).toEqual([
      ["1721000000001", "1721000000002"],
      ["1721000000002", "1721000000004"],
    ]);
    expect(document?.graph.nodes[1]).toEqual({
      id: "1721000000002",
      type: "iteration",
      version: 1,
      position: { x: 334, y: 250 },
      title: "Each file",
      config: {
        items: ["sys", "files"],
        parallelism: 4,
        errorMode: "continue",
        output: ["1721000000003", "output"],
        graph: {
          nodes: [
            {
              id: "1721000000003",
              type: "template",
              version: 1,
              position: { x: 128, y: 68 },
              title: "Describe file",
              config: {
                template: "{{ index + 1 }}. {{ file.filename }}",
                variables: [
                  { name: "file", selector: ["1721000000002", "item"] },
                  { name: "index", selector: ["1721000000002", "index"] },
                ],
              },
            },
          ],
          // The edge from iteration-start is dropped: the template, with no incoming edge, is the entry node.
          edges: [],
        },
      },
    });
    expect(validateWorkflow(document, { registry: importRegistry }).ok).toBe(true);
  });

  it("sanitises node ids and rewrites selectors and {{#id.var#}} references to them", () => {
    const result = importDifyDsl(loadFixture("dify-sanitise.yml"), { registry: importRegistry });
    expect(result.problems.filter((problem) => problem.severity === "error")).toEqual([]);
    expect(result.problems.map((problem) => problem.message)).toEqual([
      'Node id "start node" became "start_node" (ids may only use letters, digits, "-" and "_"); references to it were updated.',
      'Node id "模板" became "node" (ids may only use letters, digits, "-" and "_"); references to it were updated.',
      'Node id "reply!" became "reply" (ids may only use letters, digits, "-" and "_"); references to it were updated.',
    ]);
    const nodes = result.document?.graph.nodes ?? [];
    expect(nodes.map((node) => node.id)).toEqual(["start_node", "node", "reply"]);
    expect(nodes[1]?.config).toEqual({ template: "Hi {{ name }}", variables: [{ name: "name", selector: ["start_node", "name"] }] });
    expect(nodes[2]?.config).toEqual({ answer: "{{#node.output#}} ({{#start_node.name#}} asked {{#sys.query#}})" });
    expect(result.document?.graph.edges).toEqual([
      { id: "e1", source: "start_node", target: "node" },
      { id: "e2", source: "node", target: "reply" },
    ]);
    expect(validateWorkflow(result.document, { registry: importRegistry }).ok).toBe(true);
  });
});
