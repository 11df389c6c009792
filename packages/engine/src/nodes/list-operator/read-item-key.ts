/**
 * The value under `key` in a list item: the item itself when the key is empty (lists of scalars), an
 * own property when one is named exactly so, else a dotted path ("author.name"). Undefined when absent.
 * Only own properties are read, so a key like "constructor" cannot reach the prototype.
 */
export function readItemKey(item: unknown, key: string | undefined): unknown {
  if (key === undefined || key === "") return item;
  if (hasOwn(item, key)) return item[key];
  let value: unknown = item;
  for (const part of key.split(".")) {
    if (!hasOwn(value, part)) return undefined;
    value = value[part];
  }
  return value;
}

function hasOwn(value: unknown, key: string): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && Object.hasOwn(value, key);
}
