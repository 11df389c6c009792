import type { StartInput } from "./start.schema.ts";

export interface InputProblem {
  name: string;
  message: string;
}

/**
 * Checks and normalises run inputs against the start node's form. Returns the values to use (defaults
 * filled, numbers and booleans coerced from their text forms) or every problem at once.
 */
export function validateRunInputs(
  variables: readonly StartInput[],
  inputs: Record<string, unknown>,
): { ok: true; values: Record<string, unknown> } | { ok: false; problems: InputProblem[] } {
  const values: Record<string, unknown> = {};
  const problems: InputProblem[] = [];
  for (const variable of variables) {
    const raw = inputs[variable.name] ?? variable.default;
    if (raw === undefined || raw === null || raw === "") {
      if (variable.required) problems.push({ name: variable.name, message: `${variable.label || variable.name} is required` });
      else values[variable.name] = null;
      continue;
    }
    const coerced = coerce(variable, raw);
    if ("error" in coerced) problems.push({ name: variable.name, message: coerced.error });
    else values[variable.name] = coerced.value;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
}

function coerce(variable: StartInput, raw: unknown): { value: unknown } | { error: string } {
  switch (variable.type) {
    case "text":
    case "paragraph": {
      if (typeof raw !== "string") return { error: `${variable.name} must be text` };
      if (variable.maxLength !== undefined && raw.length > variable.maxLength) {
        return { error: `${variable.name} is ${raw.length} characters; the limit is ${variable.maxLength}` };
      }
      return { value: raw };
    }
    case "select": {
      if (typeof raw !== "string" || !(variable.options ?? []).includes(raw)) {
        return { error: `${variable.name} must be one of: ${(variable.options ?? []).join(", ")}` };
      }
      return { value: raw };
    }
    case "number": {
      const value = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN;
      return Number.isFinite(value) ? { value } : { error: `${variable.name} must be a number` };
    }
    case "boolean": {
      if (typeof raw === "boolean") return { value: raw };
      if (raw === "true" || raw === "false") return { value: raw === "true" };
      return { error: `${variable.name} must be true or false` };
    }
    case "json": {
      if (typeof raw === "string") {
        try {
          return { value: JSON.parse(raw) as unknown };
        } catch {
          return { error: `${variable.name} must be valid JSON` };
        }
      }
      return typeof raw === "object" ? { value: raw } : { error: `${variable.name} must be a JSON object or array` };
    }
    case "file": {
      const isFile = typeof raw === "object" && raw !== null && !Array.isArray(raw) && ("url" in raw || "id" in raw || "upload_file_id" in raw);
      return isFile ? { value: raw } : { error: `${variable.name} must be a file reference ({ id } or { url })` };
    }
  }
}
