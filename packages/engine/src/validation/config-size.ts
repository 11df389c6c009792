/** Node configs with a list longer than this are refused before their schema looks at them (zod visits every element). */
export const MAX_CONFIG_ELEMENTS = 2_000;

/**
 * Finds the first array in a config longer than `limit`, looking at no more than `budget` values,
 * breadth first (the shallow lists users edit come first): a config list of 5,000 objects is refused in
 * microseconds instead of being parsed element by element. Returns its path, or null.
 */
export function findOversizedArray(value: unknown, limit = MAX_CONFIG_ELEMENTS, budget = 500): Array<string | number> | null {
  const values: unknown[] = [value];
  const parents: number[] = [-1];
  const keys: Array<string | number> = [""];
  for (let head = 0; head < values.length; head += 1) {
    const current = values[head];
    if (Array.isArray(current)) {
      if (current.length > limit) return pathTo(head, parents, keys);
      for (let index = 0; index < current.length && values.length < budget; index += 1) {
        values.push(current[index]);
        parents.push(head);
        keys.push(index);
      }
    } else if (current !== null && typeof current === "object") {
      for (const key in current) {
        if (values.length >= budget) break;
        if (!Object.prototype.hasOwnProperty.call(current, key)) continue;
        values.push((current as Record<string, unknown>)[key]);
        parents.push(head);
        keys.push(key);
      }
    }
  }
  return null;
}

function pathTo(index: number, parents: readonly number[], keys: ReadonlyArray<string | number>): Array<string | number> {
  const path: Array<string | number> = [];
  for (let at = index; at > 0; at = parents[at] as number) path.unshift(keys[at] as string | number);
  return path;
}
