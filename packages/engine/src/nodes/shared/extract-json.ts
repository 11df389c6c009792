/**
 * Finds the JSON value in a model's answer. Small models wrap JSON in code fences, add a sentence
 * before or after it, or answer with JSON and a trailing explanation; this takes the first complete
 * object (or array) that parses. Returns undefined when there is none.
 */
export function extractJson(text: string): unknown {
  const trimmed = text.trim();
  const direct = tryParse(trimmed);
  if (direct !== undefined) return direct;
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(trimmed);
  if (fenced?.[1]) {
    const inFence = tryParse(fenced[1].trim());
    if (inFence !== undefined) return inFence;
  }
  for (let start = 0; start < trimmed.length; start += 1) {
    const char = trimmed[start];
    if (char !== "{" && char !== "[") continue;
    const end = matchingBracket(trimmed, start);
    if (end < 0) continue;
    const candidate = tryParse(trimmed.slice(start, end + 1));
    if (candidate !== undefined) return candidate;
  }
  return undefined;
}

/** The first JSON object in the answer, or undefined. */
export function extractJsonObject(text: string): Record<string, unknown> | undefined {
  const value = extractJson(text);
  return isPlainObject(value) ? value : undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function tryParse(text: string): unknown {
  if (!text.startsWith("{") && !text.startsWith("[")) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Index of the bracket closing the one at `start`, skipping strings; -1 when unbalanced. */
function matchingBracket(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === "\\") index += 1;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === "{" || char === "[") depth += 1;
    else if (char === "}" || char === "]") {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return -1;
}
