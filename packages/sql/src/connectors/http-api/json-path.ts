/** One step of a response path: an object key or an array index. */
export type JsonPathStep = string | number;

/** Parses the subset of JSON path that response paths allow: `$`, `.key`, `[index]`, `["key"]`. */
export function parseJsonPath(path: string): JsonPathStep[] {
  if (!path.startsWith("$")) throw new Error(`a response path starts with "$", not ${JSON.stringify(path)}`);
  const steps: JsonPathStep[] = [];
  const pattern = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["([^"]*)"\]/y;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < path.length) {
    const start = pattern.lastIndex;
    const match = pattern.exec(path);
    if (match === null) throw new Error(`cannot read the response path ${JSON.stringify(path)} at character ${start + 1}`);
    steps.push(match[1] ?? (match[2] !== undefined ? Number(match[2]) : (match[3] ?? "")));
  }
  return steps;
}

/** The value at a path, or `found: false` where a step is missing (which differs from a JSON null). */
export function readJsonPath(document: unknown, path: string): { found: true; value: unknown } | { found: false; missing: string } {
  let current: unknown = document;
  let walked = "$";
  for (const step of parseJsonPath(path)) {
    if (typeof step === "number") {
      if (!Array.isArray(current) || step >= current.length) return { found: false, missing: `${walked}[${step}]` };
      current = current[step] as unknown;
      walked += `[${step}]`;
    } else {
      if (typeof current !== "object" || current === null || Array.isArray(current) || !(step in current)) return { found: false, missing: `${walked}.${step}` };
      current = (current as Record<string, unknown>)[step]; // A non-null, non-array object, checked above.
      walked += `.${step}`;
    }
  }
  return { found: true, value: current };
}
