import { isPlainObject } from "../shared/extract-json.ts";
import type { ExtractedParameter, ExtractedType } from "./parameter-extractor.schema.ts";

export interface CoercedParameters {
  /** Every parameter, typed as declared; a missing or invalid one has its type's empty value. */
  values: Record<string, unknown>;
  /** What is missing or invalid; empty when extraction succeeded. */
  problems: string[];
}

type Coerced = { ok: true; value: unknown } | { ok: false; problem: string };

/** Empty values of each type, as Dify outputs them for a parameter the model did not find. */
export function emptyValue(type: ExtractedType): unknown {
  switch (type) {
    case "string":
      return "";
    case "number":
      return 0;
    case "boolean":
      return false;
    case "object":
      return {};
    default:
      return [];
  }
}

/**
 * Types the model's values as declared, forgiving the usual slips of small models ("3" for 3,
 * "yes" for true, one string for a list of strings); what cannot be typed is a problem.
 */
export function coerceParameters(raw: Record<string, unknown>, parameters: readonly ExtractedParameter[]): CoercedParameters {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const parameter of parameters) {
    const value = Object.hasOwn(raw, parameter.name) ? raw[parameter.name] : undefined;
    values[parameter.name] = emptyValue(parameter.type);
    if (value === undefined || value === null || value === "") {
      if (parameter.required) problems.push(`"${parameter.name}" is required but was not found`);
      continue;
    }
    const coerced = coerceValue(value, parameter.type);
    if (!coerced.ok) {
      problems.push(`"${parameter.name}" ${coerced.problem}`);
      continue;
    }
    const option = checkOptions(coerced.value, parameter);
    if (!option.ok) {
      problems.push(`"${parameter.name}" ${option.problem}`);
      continue;
    }
    values[parameter.name] = option.value;
  }
  return { values, problems };
}

function coerceValue(value: unknown, type: ExtractedType): Coerced {
  switch (type) {
    case "string":
      if (typeof value === "string") return { ok: true, value };
      if (typeof value === "number" || typeof value === "boolean") return { ok: true, value: String(value) };
      return { ok: false, problem: `should be text, not ${describe(value)}` };
    case "number":
      return toNumber(value);
    case "boolean":
      return toBoolean(value);
    case "object": {
      const parsed = typeof value === "string" ? parseJson(value) : value;
      return isPlainObject(parsed) ? { ok: true, value: parsed } : { ok: false, problem: `should be an object, not ${describe(value)}` };
    }
    default:
      return toArray(value, type);
  }
}

function toNumber(value: unknown): Coerced {
  if (typeof value === "number" && Number.isFinite(value)) return { ok: true, value };
  if (typeof value === "string") {
    const cleaned = value.trim().replace(/(?<=\d)[,_ ](?=\d{3}\b)/g, "");
    if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned)) return { ok: true, value: Number(cleaned) };
  }
  return { ok: false, problem: `should be a number, not ${describe(value)}` };
}

const TRUE_WORDS = new Set(["true", "yes", "y", "1"]);
const FALSE_WORDS = new Set(["false", "no", "n", "0"]);

function toBoolean(value: unknown): Coerced {
  if (typeof value === "boolean") return { ok: true, value };
  const word = typeof value === "string" || typeof value === "number" ? String(value).trim().toLowerCase() : "";
  if (TRUE_WORDS.has(word)) return { ok: true, value: true };
  if (FALSE_WORDS.has(word)) return { ok: true, value: false };
  return { ok: false, problem: `should be true or false, not ${describe(value)}` };
}

function toArray(value: unknown, type: ExtractedType): Coerced {
  let list: unknown = typeof value === "string" ? (parseJson(value) ?? value) : value;
  if (!Array.isArray(list)) {
    // One value where a list of one was asked for.
    if (type === "array[object]" && !isPlainObject(list)) return { ok: false, problem: `should be a list, not ${describe(value)}` };
    list = [list];
  }
  const element: ExtractedType = type === "array[string]" ? "string" : type === "array[number]" ? "number" : "object";
  const items: unknown[] = [];
  for (const [index, item] of (list as unknown[]).entries()) {
    const coerced = coerceValue(item, element);
    if (!coerced.ok) return { ok: false, problem: `item ${index} ${coerced.problem}` };
    items.push(coerced.value);
  }
  return { ok: true, value: items };
}

function checkOptions(value: unknown, parameter: ExtractedParameter): Coerced {
  const options = parameter.options;
  if (!options || options.length === 0) return { ok: true, value };
  const pick = (item: unknown): string | undefined => options.find((option) => option.toLowerCase() === String(item).trim().toLowerCase());
  if (Array.isArray(value)) {
    const items: unknown[] = value;
    const picked = items.map(pick);
    const bad = picked.findIndex((option) => option === undefined);
    return bad < 0 ? { ok: true, value: picked } : { ok: false, problem: `must be one of ${options.join(", ")}, not ${JSON.stringify(items[bad])}` };
  }
  const picked = pick(value);
  return picked === undefined ? { ok: false, problem: `must be one of ${options.join(", ")}, not ${JSON.stringify(value)}` } : { ok: true, value: picked };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (isPlainObject(value)) return "an object";
  return JSON.stringify(value) ?? typeof value;
}
