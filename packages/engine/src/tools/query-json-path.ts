import { isPlainObject } from "../nodes/shared/extract-json.ts";

type Step = { kind: "key"; key: string } | { kind: "index"; index: number } | { kind: "wildcard" } | { kind: "descend"; key: string | null };

/**
 * Parses the JSONPath subset tools need: `$`, `.name`, `['name']`, `["name"]`, `[0]`, `[-1]`, `[*]`,
 * `.*` and `..name` (any depth). Filters and scripts are refused: they would need an evaluator.
 */
function parsePath(path: string): Step[] {
  const text = path.trim();
  if (!text.startsWith("$")) throw new Error(`A JSON path starts with "$", e.g. "$.items[0].name"; got "${path}".`);
  const steps: Step[] = [];
  let position = 1;
  const identifier = /^[A-Za-z_$][\w$-]*/;
  while (position < text.length) {
    const rest = text.slice(position);
    if (rest.startsWith("..")) {
      const name = identifier.exec(rest.slice(2));
      if (rest.slice(2).startsWith("*")) {
        steps.push({ kind: "descend", key: null });
        position += 3;
      } else if (name) {
        steps.push({ kind: "descend", key: name[0] });
        position += 2 + name[0].length;
      } else throw new Error(`Expected a name after ".." at position ${position} of "${path}".`);
    } else if (rest.startsWith(".*")) {
      steps.push({ kind: "wildcard" });
      position += 2;
    } else if (rest.startsWith(".")) {
      const name = identifier.exec(rest.slice(1));
      if (!name) throw new Error(`Expected a name after "." at position ${position} of "${path}".`);
      steps.push({ kind: "key", key: name[0] });
      position += 1 + name[0].length;
    } else if (rest.startsWith("[")) {
      const bracket = /^\[\s*(?:(\*)|(-?\d+)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/.exec(rest);
      if (!bracket) throw new Error(`Unsupported bracket at position ${position} of "${path}": use [0], [*] or ['name'] (filters are not supported).`);
      if (bracket[1]) steps.push({ kind: "wildcard" });
      else if (bracket[2] !== undefined) steps.push({ kind: "index", index: Number(bracket[2]) });
      else steps.push({ kind: "key", key: (bracket[3] ?? bracket[4] ?? "").replace(/\\(.)/g, "$1") });
      position += bracket[0].length;
    } else throw new Error(`Unexpected "${rest[0] ?? ""}" at position ${position} of "${path}".`);
  }
  return steps;
}

function children(value: unknown): unknown[] {
  // Array.isArray narrows to any[]; unknown[] is the honest (wider) type.
  if (Array.isArray(value)) return value as unknown[];
  if (isPlainObject(value)) return Object.values(value);
  return [];
}

function descendants(value: unknown, key: string | null, found: unknown[], depth = 0): void {
  if (depth > 64) return;
  if (isPlainObject(value)) {
    if (key === null) found.push(...Object.values(value));
    else if (Object.hasOwn(value, key)) found.push(value[key]);
  } else if (Array.isArray(value) && key === null) found.push(...children(value));
  for (const child of children(value)) descendants(child, key, found, depth + 1);
}

/** Every value `path` selects in `document`, in document order; an empty list when nothing matches. */
export function queryJsonPath(document: unknown, path: string): unknown[] {
  let current: unknown[] = [document];
  for (const step of parsePath(path)) {
    const next: unknown[] = [];
    for (const value of current) {
      if (step.kind === "key") {
        if (isPlainObject(value) && Object.hasOwn(value, step.key)) next.push(value[step.key]);
      } else if (step.kind === "index") {
        if (Array.isArray(value)) {
          const item: unknown = value[step.index < 0 ? value.length + step.index : step.index];
          if (item !== undefined) next.push(item);
        }
      } else if (step.kind === "wildcard") next.push(...children(value));
      else descendants(value, step.key, next);
    }
    current = next;
  }
  return current;
}
