import type { WorkflowDocument } from "@tandem/engine";

const start = { id: "start", type: "start", version: 1, position: { x: 0, y: 0 }, title: "Start", config: { variables: [{ name: "seed", type: "text", required: true }] } };

/** start → 50 template nodes in a line → end. */
export function chainDocument(length = 50): WorkflowDocument {
  const templates = Array.from({ length }, (_, index) => ({
    id: `t${index}`,
    type: "template",
    version: 1,
    position: { x: 0, y: 0 },
    title: `Step ${index}`,
    config: { variables: [{ name: "previous", selector: index === 0 ? ["start", "seed"] : [`t${index - 1}`, "output"] }], template: "{{ previous }}" },
  }));
  const end = { id: "end", type: "end", version: 1, position: { x: 0, y: 0 }, title: "End", config: { outputs: [{ name: "result", selector: [`t${length - 1}`, "output"] }] } };
  const ids = ["start", ...templates.map((node) => node.id), "end"];
  const edges = ids.slice(1).map((target, index) => ({ id: `e${index}`, source: ids[index] as string, target }));
  return document([start, ...templates, end], edges);
}

/** start → 20 template nodes side by side → one template joining them → end. */
export function fanDocument(width = 20): WorkflowDocument {
  const branches = Array.from({ length: width }, (_, index) => ({
    id: `b${index}`,
    type: "template",
    version: 1,
    position: { x: 0, y: 0 },
    title: `Branch ${index}`,
    config: { variables: [{ name: "seed", selector: ["start", "seed"] }], template: `{{ seed }}-${index}` },
  }));
  const join = {
    id: "join",
    type: "template",
    version: 1,
    position: { x: 0, y: 0 },
    title: "Join",
    config: { variables: branches.map((branch, index) => ({ name: `v${index}`, selector: [branch.id, "output"] })), template: "{{ v0 }}" },
  };
  const end = { id: "end", type: "end", version: 1, position: { x: 0, y: 0 }, title: "End", config: { outputs: [{ name: "result", selector: ["join", "output"] }] } };
  const edges = [
    ...branches.map((branch, index) => ({ id: `s${index}`, source: "start", target: branch.id })),
    ...branches.map((branch, index) => ({ id: `j${index}`, source: branch.id, target: "join" })),
    { id: "end", source: "join", target: "end" },
  ];
  return document([start, ...branches, join, end], edges);
}

function document(nodes: unknown[], edges: unknown[]): WorkflowDocument {
  return { schemaVersion: 1, kind: "workflow", graph: { nodes, edges }, settings: { private: false, maxSteps: 500, maxDurationMs: 600_000 }, variables: {} } as unknown as WorkflowDocument;
}
