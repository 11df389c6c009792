import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, projectRoot, startProcess } from "../../support/processes.ts";

const tandemBin = path.join(projectRoot, "node_modules/.bin/tandem");

const workflowYaml = `schemaVersion: 1
kind: workflow
graph:
  nodes:
    - { id: start, type: start, version: 1, config: { variables: [{ name: name, type: text, required: true }] } }
    - id: greet
      type: template
      version: 1
      title: Greet
      config: { variables: [{ name: n, selector: [start, name] }], template: "Hello {{ n }}!" }
    - { id: end, type: end, version: 1, config: { outputs: [{ name: greeting, selector: [greet, output] }] } }
  edges:
    - { id: e1, source: start, target: greet }
    - { id: e2, source: greet, target: end }
`;

const difyYaml = `app:
  mode: workflow
  name: Echo
kind: app
version: 0.1.5
workflow:
  graph:
    nodes:
      - id: "1700000000000"
        type: custom
        position: { x: 0, y: 0 }
        data: { type: start, title: Start, variables: [{ variable: text, label: Text, type: text-input, required: true }] }
      - id: "1700000000001"
        type: custom
        position: { x: 300, y: 0 }
        data: { type: end, title: End, outputs: [{ variable: echoed, value_selector: ["1700000000000", text] }] }
    edges:
      - { id: e1, source: "1700000000000", sourceHandle: source, target: "1700000000001", targetHandle: target }
`;

describe("npx tandem", () => {
  let folder = "";
  const run = async (args: string[]) => {
    const process = startProcess(tandemBin, args, cleanEnv({ TANDEM_DATA_DIR: path.join(folder, "data") }));
    const code = await process.exited;
    return { code, output: process.output() };
  };

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), "tandem-cli-"));
    await writeFile(path.join(folder, "greet.yaml"), workflowYaml);
    await writeFile(path.join(folder, "broken.yaml"), workflowYaml.replace("selector: [greet, output]", "selector: [nowhere, output]"));
    await writeFile(path.join(folder, "dify.yml"), difyYaml);
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("validate: a valid file", async () => {
    const result = await run(["validate", path.join(folder, "greet.yaml")]);
    expect(result.output).toContain("valid workflow with 3 nodes");
    expect(result.code).toBe(0);
  });

  it("validate: prints each problem with its node and exits 1", async () => {
    const result = await run(["validate", path.join(folder, "broken.yaml")]);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/node end config\.outputs\.0\.selector: There is no node "nowhere" upstream/);
  });

  it("validate: imports a Dify DSL export", async () => {
    const result = await run(["validate", path.join(folder, "dify.yml")]);
    expect(result.output).toContain("(imported from Dify DSL)");
    expect(result.code).toBe(0);
  });

  it("run: executes on the embedded defaults and prints the events", async () => {
    const result = await run(["run", path.join(folder, "greet.yaml"), "--inputs", '{"name":"Ada"}']);
    expect(result.output).toContain("▶ run");
    expect(result.output).toContain("✓ Greet (template)");
    expect(result.output).toMatch(/■ run succeeded in \d+ ms, 3 steps → \{"greeting":"Hello Ada!"\}/);
    expect(result.code).toBe(0);
  }, 120_000);

  it("run: refuses invalid inputs before starting", async () => {
    const result = await run(["run", path.join(folder, "greet.yaml"), "--inputs", "{}"]);
    expect(result.output).toContain("input name: name is required");
    expect(result.code).toBe(2);
  });

  it("run --json: one JSON event per line", async () => {
    const result = await run(["run", path.join(folder, "dify.yml"), "--inputs", '{"text":"hi"}', "--json"]);
    const events = result.output
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { type: string; outputs?: unknown });
    expect(events.map((event) => event.type)).toEqual(["run-start", "node-start", "node-end", "node-start", "node-end", "run-end"]);
    expect(events.at(-1)?.outputs).toEqual({ echoed: "hi" });
    expect(result.code).toBe(0);
  }, 120_000);
});
