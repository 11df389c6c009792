import { CodeNodeError } from "./code-node-error.ts";
import type { CodeOutputType } from "./code.schema.ts";

/**
 * Checks main's result against the declared outputs and keeps only those: downstream nodes were
 * wired against the declared types, so a mismatch fails here, naming the output, rather than
 * somewhere later. Undeclared keys are dropped.
 */
export function checkCodeOutputs(declared: ReadonlyArray<{ name: string; type: CodeOutputType }>, returned: unknown): Record<string, unknown> {
  const names = declared.map((output) => output.name).join(", ");
  if (!isPlainObject(returned)) {
    throw new CodeNodeError("invalid_output", `main must return an object with the declared outputs (${names}), but it returned ${describe(returned)}.`);
  }
  const outputs: Record<string, unknown> = {};
  for (const { name, type } of declared) {
    if (!Object.hasOwn(returned, name) || returned[name] === undefined) {
      throw new CodeNodeError("output_missing", `main's result has no "${name}" (declared as ${type}). Return it, e.g. return { ${name}: ... }, or remove it from the outputs.`, {
        output: name,
      });
    }
    const value = returned[name];
    const problem = typeProblem(type, value);
    if (problem !== null) {
      throw new CodeNodeError("output_type", `Output "${name}" should be ${type}, but main returned ${problem}. Convert it in the code, or change the declared type.`, {
        output: name,
      });
    }
    outputs[name] = value;
  }
  return outputs;
}

/** What is wrong with `value` as a `type`, described for the author; null when nothing is. */
function typeProblem(type: CodeOutputType, value: unknown): string | null {
  switch (type) {
    case "string":
      return typeof value === "string" ? null : describe(value);
    case "number":
      return typeof value === "number" ? null : describe(value);
    case "boolean":
      return typeof value === "boolean" ? null : describe(value);
    case "object":
      return isPlainObject(value) ? null : describe(value);
    case "array[any]":
      return Array.isArray(value) ? null : describe(value);
    case "array[string]":
    case "array[number]":
    case "array[object]": {
      if (!Array.isArray(value)) return describe(value);
      const element = type.slice("array[".length, -1);
      const index = value.findIndex((item) => (element === "object" ? !isPlainObject(item) : typeof item !== element));
      return index === -1 ? null : `an array whose item ${index} is ${describe(value[index])}`;
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return `an array (${value.length} items)`;
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return `a ${typeof value} (${shown})`;
}
