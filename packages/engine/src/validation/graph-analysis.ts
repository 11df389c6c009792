import type { WorkflowEdge } from "../schema/workflow-document.ts";

/** Adjacency of a graph's nodes through its edges (only edges between known nodes). */
export interface GraphIndex {
  successors: Map<string, string[]>;
  predecessors: Map<string, string[]>;
}

export function indexGraph(nodeIds: Iterable<string>, edges: readonly WorkflowEdge[]): GraphIndex {
  const successors = new Map<string, string[]>();
  const predecessors = new Map<string, string[]>();
  for (const id of nodeIds) {
    successors.set(id, []);
    predecessors.set(id, []);
  }
  for (const edge of edges) {
    const out = successors.get(edge.source);
    const into = predecessors.get(edge.target);
    if (!out || !into) continue;
    out.push(edge.target);
    into.push(edge.source);
  }
  return { successors, predecessors };
}

/** Every node reachable from `from` by following `next`. */
export function reachable(from: readonly string[], next: Map<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...from];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const neighbour of next.get(id) ?? []) if (!seen.has(neighbour)) stack.push(neighbour);
  }
  return seen;
}

/** The cycles of a graph, each as the list of node ids on it (iterative DFS, safe on large graphs). */
export function findCycles(successors: Map<string, string[]>): string[][] {
  const state = new Map<string, 1 | 2>();
  const cycles: string[][] = [];
  for (const root of successors.keys()) {
    if (state.has(root)) continue;
    const path: string[] = [];
    const stack: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    state.set(root, 1);
    path.push(root);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as { id: string; next: number };
      const neighbours = successors.get(frame.id) ?? [];
      if (frame.next < neighbours.length) {
        const neighbour = neighbours[frame.next] as string;
        frame.next += 1;
        const seen = state.get(neighbour);
        if (seen === 1) {
          const start = path.indexOf(neighbour);
          if (cycles.length < 20) cycles.push(path.slice(start));
        } else if (seen === undefined) {
          state.set(neighbour, 1);
          path.push(neighbour);
          stack.push({ id: neighbour, next: 0 });
        }
      } else {
        state.set(frame.id, 2);
        path.pop();
        stack.pop();
      }
    }
  }
  return cycles;
}
