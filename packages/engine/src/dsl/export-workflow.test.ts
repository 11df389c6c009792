import { describe, expect, it } from "vitest";
import { emptyWorkflowDocument, workflowDocumentSchema, type WorkflowDocument } from "../schema/workflow-document.ts";
import { validateWorkflow } from "../validation/validate-workflow.ts";
import { exportWorkflowYaml, parseWorkflowYaml } from "./export-workflow.ts";
import { loadFixture } from "./fixtures/load-fixture.ts";
import { importDifyDsl } from "./import-dify.ts";


function sampleDocument(): WorkflowDocument {
  return workflowDocumentSchema.parse({
    schemaVersion: 1,
    kind: "workflow",
    settings: { private: true, maxSteps: 200 },
    variables: {
      api_base: "https://api.example.com",
      retries: 3,
      "1720": "numeric-looking key",
      tricky: ["{{#a.b#}}", "a, b", "[x]", "- y", "#c", "", "null", "true", "1e3", " lead", "x: y", "'q'"],
      nested: { list: [1, 2.5, -3, true, null], text: "multi\nline\n" },
    },
    graph: {
      nodes: [
        { id: "start", type: "start", version: 1, position: { x: 0, y: 0 }, title: "Start", config: { variables: [{ name: "q", type: "text", label: "", required: true }] } },
        {
          id: "each",
          type: "iteration",
          version: 1,
          position: { x: 300, y: 0 },
          title: "Each",
          config: {
            items: ["sys", "files"],
            output: ["inner", "output"],
            graph: { nodes: [{ id: "inner", type: "template", version: 1, config: { template: "{{ x }}\nline two: true", variables: [{ name: "x", selector: ["each", "item"] }] } }], edges: [] },
          },
          policy: { retry: { attempts: 3, backoffMs: 250 }, onError: "default", defaults: { output: [] } },
        },
        { id: "end", type: "end", version: 1, position: { x: 600, y: 0 }, title: "End", config: { outputs: [{ name: "all", selector: ["each", "output"] }] } },
      ],
      edges: [
        { id: "e1", source: "start", target: "each" },
        { id: "e2", source: "each", sourceHandle: "source", target: "end" },
      ],
    },
  });
}

describe("exportWorkflowYaml / parseWorkflowYaml", () => {
  it("round-trips a document exactly", () => {
    const document = sampleDocument();
    const parsed = parseWorkflowYaml(exportWorkflowYaml(document));
    expect(parsed).toEqual({ ok: true, document });
    if (parsed.ok) expect(validateWorkflow(parsed.document).ok).toBe(true);
  });

  it.each(["dify-workflow.yml", "dify-chatflow.yml", "dify-iteration.yml", "dify-unsupported.yml"])("round-trips the document imported from %s", (name) => {
    const { document } = importDifyDsl(loadFixture(name));
    expect(document).toBeDefined();
    const parsed = parseWorkflowYaml(exportWorkflowYaml(document as WorkflowDocument));
    expect(parsed.ok && parsed.document).toEqual(document);
  });

  it("starts with a header comment and writes keys in a fixed order", () => {
    const text = exportWorkflowYaml(sampleDocument());
    expect(text.startsWith("# Tandem workflow (DSL v1).")).toBe(true);
    const keys = text.split("\n").filter((line) => /^[a-zA-Z]/.test(line)).map((line) => line.split(":")[0]);
    expect(keys).toEqual(["schemaVersion", "kind", "settings", "variables", "graph"]);
    expect(text).toContain("    - id: each\n      type: iteration\n      version: 1\n      title: Each\n      position:");
    expect(text).toContain('items: [sys, files]');
    // Numeric-looking text stays text.
    expect(text).toContain('"1720": numeric-looking key');
  });

  it("gives the same text whatever order the objects were built in", () => {
    const document = sampleDocument();
    const shuffled = JSON.parse(JSON.stringify(document, Object.keys(flattenKeys(document)).sort().reverse())) as WorkflowDocument;
    expect(exportWorkflowYaml(shuffled)).toBe(exportWorkflowYaml(document));
  });

  it("exports an empty document", () => {
    const document = emptyWorkflowDocument("chatflow");
    expect(parseWorkflowYaml(exportWorkflowYaml(document))).toEqual({ ok: true, document });
  });

  it("reports YAML syntax errors with line and column", () => {
    const result = parseWorkflowYaml("schemaVersion: 1\nkind: workflow\ngraph:\n  nodes: [\n  edges: []\n");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]).toMatchObject({ severity: "error", line: expect.any(Number) as number, column: expect.any(Number) as number });
    expect(result.problems[0]?.message).toMatch(/^Invalid YAML \(line \d+, column \d+\)/);
  });

  it("refuses files that are not Tandem workflows", () => {
    expect(parseWorkflowYaml("- a\n- b\n")).toMatchObject({ ok: false, problems: [{ message: expect.stringContaining("not a Tandem workflow") as string }] });
    expect(parseWorkflowYaml("kind: workflow\n")).toMatchObject({ ok: false, problems: [{ path: ["schemaVersion"] }] });
    expect(parseWorkflowYaml(loadFixture("dify-chatflow.yml"))).toMatchObject({ ok: false, problems: [{ message: expect.stringContaining("Dify DSL file") as string }] });
    expect(parseWorkflowYaml("schemaVersion: 2\nkind: workflow\n")).toMatchObject({ ok: false, problems: [{ message: expect.stringContaining("upgrade Tandem") as string }] });
    expect(parseWorkflowYaml("schemaVersion: one\n")).toMatchObject({ ok: false, problems: [{ path: ["schemaVersion"] }] });
  });

  it("rejects duplicate keys instead of keeping the last one", () => {
    const result = parseWorkflowYaml("schemaVersion: 1\nkind: workflow\nkind: chatflow\n");
    expect(result).toMatchObject({ ok: false, problems: [{ line: 3 }] });
  });
});

/** Every key used anywhere in the value, for a JSON.stringify replacer list that reorders keys. */
function flattenKeys(value: unknown, keys: Record<string, true> = {}): Record<string, true> {
  if (Array.isArray(value)) for (const item of value) flattenKeys(item, keys);
  else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      keys[key] = true;
      flattenKeys(item, keys);
    }
  }
  return keys;
}
