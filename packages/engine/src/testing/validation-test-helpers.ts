import { expect } from "vitest";
import { chain, node, rawDocument, type RawEdge, type RawNode } from "./test-documents.ts";
import { createTestCatalog } from "./test-nodes.ts";
import { validateWorkflow } from "../validation/validate-workflow.ts";
import type { WorkflowProblem } from "../validation/workflow-problem.ts";

/** Small builders and assertions shared by the validation tests. */
type Code = WorkflowProblem["code"];

export const start = (variables: unknown[] = [{ name: "query", type: "text" }]) => node("start", "start", { variables });
export const end = (outputs: unknown[] = []) => node("end", "end", { outputs });
/** A list of three items (the probe's `value` output is typed any). */
export const list = () => node("list", "probe", { value: ["a", "b", "c"] });
export const template = (id: string, variables: unknown[] = [], text = "x") => node(id, "template", { variables, template: text });

/** start → …middle → end, a valid workflow unless the middle nodes say otherwise. */
export function workflow(middle: RawNode[] = [], extraEdges: RawEdge[] = [], endOutputs: unknown[] = []) {
  const nodes = [start(), ...middle, end(endOutputs)];
  return rawDocument("workflow", nodes, [...chain(...nodes.map((entry) => entry.id)), ...extraEdges]);
}

export function problemsOf(input: unknown, registry = createTestCatalog().registry): WorkflowProblem[] {
  const result = validateWorkflow(input, { registry });
  expect(result.ok).toBe(result.problems.length === 0);
  return result.problems;
}

/** The only problems with `code`; fails listing every problem when there is none. */
export function withCode(problems: WorkflowProblem[], code: Code): WorkflowProblem[] {
  const found = problems.filter((problem) => problem.code === code);
  expect(found, `expected a ${code} problem, got ${JSON.stringify(problems, null, 2)}`).not.toHaveLength(0);
  return found;
}

export function only(problems: WorkflowProblem[], code: Code): WorkflowProblem {
  expect(problems.map((problem) => problem.code)).toEqual([code]);
  return problems[0] as WorkflowProblem;
}

/** start → list → loop (iteration over the list, its body reading item, index and start.prefix) → end. */
export function iterationDocument() {
  const inner = template(
    "inner",
    [
      { name: "item", selector: ["loop", "item"] },
      { name: "index", selector: ["loop", "index"] },
      { name: "prefix", selector: ["start", "prefix"] },
    ],
    "{{ prefix }}{{ index }}:{{ item }}",
  );
  const loop = node("loop", "iteration", { items: ["list", "value"], output: ["inner", "output"], graph: { nodes: [inner], edges: [] } });
  return rawDocument(
    "workflow",
    [node("start", "start", { variables: [{ name: "prefix", type: "text" }] }), list(), loop, end([{ name: "out", selector: ["loop", "output"] }])],
    chain("start", "list", "loop", "end"),
  );
}
