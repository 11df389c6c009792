/**
 * Every node's ancestors, as bitsets computed once in one depth-first pass: a node's bits are the OR of
 * its predecessors' bits and their own. A walk per node would be quadratic (a 1,000-node chain, the
 * maximum, spent ~30 ms in walks); this is linear in edges × (nodes / 32). Back edges of a cycle are
 * ignored (the cycle is reported on its own).
 */
export interface AncestorIndex {
  /** The ancestors of `nodeId`: has() and iteration. */
  of(nodeId: string): ReadonlySetLike;
}

export interface ReadonlySetLike extends Iterable<string> {
  has(id: string): boolean;
}

export function buildAncestorIndex(ids: readonly string[], predecessors: ReadonlyMap<string, readonly string[]>): AncestorIndex {
  const position = new Map(ids.map((id, index) => [id, index]));
  const words = Math.max(1, Math.ceil(ids.length / 32));
  const bits = new Uint32Array(ids.length * words);
  const state = new Uint8Array(ids.length); // 0 unvisited, 1 on the stack, 2 done

  for (let root = 0; root < ids.length; root += 1) {
    if (state[root] !== 0) continue;
    const stack: Array<{ node: number; next: number }> = [{ node: root, next: 0 }];
    state[root] = 1;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as { node: number; next: number };
      const parents = predecessors.get(ids[frame.node] as string) ?? [];
      if (frame.next < parents.length) {
        const parent = position.get(parents[frame.next] as string);
        frame.next += 1;
        if (parent !== undefined && state[parent] === 0) {
          state[parent] = 1;
          stack.push({ node: parent, next: 0 });
        }
        continue;
      }
      const base = frame.node * words;
      for (const parentId of parents) {
        const parent = position.get(parentId);
        if (parent === undefined || state[parent] !== 2) continue;
        const parentBase = parent * words;
        for (let word = 0; word < words; word += 1) bits[base + word] = (bits[base + word] as number) | (bits[parentBase + word] as number);
        bits[base + (parent >>> 5)] = (bits[base + (parent >>> 5)] as number) | (1 << (parent & 31));
      }
      state[frame.node] = 2;
      stack.pop();
    }
  }

  return {
    of(nodeId) {
      const node = position.get(nodeId);
      const base = node === undefined ? -1 : node * words;
      const has = (id: string) => {
        const other = position.get(id);
        return base >= 0 && other !== undefined && ((bits[base + (other >>> 5)] as number) & (1 << (other & 31))) !== 0;
      };
      return {
        has,
        *[Symbol.iterator]() {
          for (const id of ids) if (has(id)) yield id;
        },
      };
    },
  };
}
