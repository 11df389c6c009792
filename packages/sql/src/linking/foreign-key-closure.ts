import { tableKey, type DatabaseSchema } from "../introspection/database-schema.ts";

/** Tables joined by a foreign key, in either direction. */
export function foreignKeyGraph(schema: DatabaseSchema): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const table of schema.tables) graph.set(tableKey(table), new Set());
  for (const table of schema.tables) {
    const from = tableKey(table);
    for (const foreignKey of table.foreignKeys) {
      if (!graph.has(foreignKey.referencedTable) || foreignKey.referencedTable === from) continue;
      graph.get(from)?.add(foreignKey.referencedTable);
      graph.get(foreignKey.referencedTable)?.add(from);
    }
  }
  return graph;
}

export interface ClosureOptions {
  /** Longest join path, in tables added between two linked ones, that closure follows. */
  maxHops?: number;
  /** Most tables in the result; a path that would pass it is not added. */
  maxTables?: number;
  /** Preference among equally short paths: higher first. */
  score?: (table: string) => number;
}

/**
 * Adds the tables needed to join the linked ones: starting from the first (best) table, each other
 * linked table is reached by the shortest foreign-key path from what is already connected, preferring
 * better-scored tables on ties. Returns the added tables, in the order they were added. A linked table
 * with no path within `maxHops` stays as it is (the model may still use it alone).
 */
export function foreignKeyClosure(linked: readonly string[], graph: ReadonlyMap<string, ReadonlySet<string>>, options: ClosureOptions = {}): string[] {
  const maxHops = options.maxHops ?? 3;
  const maxTables = options.maxTables ?? Number.POSITIVE_INFINITY;
  const score = options.score ?? (() => 0);
  const connected = new Set<string>(linked.slice(0, 1));
  const kept = new Set(linked);
  const added: string[] = [];
  for (const target of linked.slice(1)) {
    if (connected.has(target)) continue;
    const path = shortestPath(connected, target, graph, score, maxHops + 1);
    if (path === undefined) {
      connected.add(target);
      continue;
    }
    const fresh = path.filter((table) => !kept.has(table));
    if (kept.size + fresh.length > maxTables) {
      connected.add(target);
      continue;
    }
    for (const table of path) {
      connected.add(table);
      if (!kept.has(table)) {
        kept.add(table);
        added.push(table);
      }
    }
    connected.add(target);
  }
  return added;
}

/** Breadth-first search from a set of tables; returns the tables strictly between the set and the target. */
function shortestPath(
  from: ReadonlySet<string>,
  target: string,
  graph: ReadonlyMap<string, ReadonlySet<string>>,
  score: (table: string) => number,
  maxEdges: number,
): string[] | undefined {
  const previous = new Map<string, string | null>();
  let frontier = [...from];
  for (const table of frontier) previous.set(table, null);
  for (let depth = 0; depth < maxEdges && frontier.length > 0; depth += 1) {
    const next: string[] = [];
    for (const table of frontier) {
      const neighbours = [...(graph.get(table) ?? [])].sort((left, right) => score(right) - score(left));
      for (const neighbour of neighbours) {
        if (previous.has(neighbour)) continue;
        previous.set(neighbour, table);
        if (neighbour === target) {
          const between: string[] = [];
          for (let step = previous.get(target) ?? null; step !== null && !from.has(step); step = previous.get(step) ?? null) between.unshift(step);
          return between;
        }
        next.push(neighbour);
      }
    }
    frontier = next;
  }
  return undefined;
}
