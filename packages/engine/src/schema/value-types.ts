import { z } from "zod";

/**
 * The types a variable can have. Node outputs declare them; inputs that expect a type say which ones
 * they accept, so validation can catch a number wired into a list operator before anything runs.
 */
export const valueTypeSchema = z.enum([
  "string",
  "number",
  "boolean",
  "object",
  "file",
  "array[string]",
  "array[number]",
  "array[boolean]",
  "array[object]",
  "array[file]",
  "array[any]",
  "any",
]);
export type ValueType = z.infer<typeof valueTypeSchema>;

/** What an input accepts: exact types, or `array` for any array type. */
export type AcceptedType = ValueType | "array";

export function isArrayType(type: ValueType): boolean {
  return type.startsWith("array[");
}

/** Whether a value of type `actual` may flow into an input that accepts `accepted`. */
export function typeAccepts(accepted: readonly AcceptedType[], actual: ValueType): boolean {
  if (actual === "any" || accepted.includes("any")) return true;
  if (actual === "array[any]" && accepted.some((type) => type === "array" || type.startsWith("array["))) return true;
  return accepted.some((type) => type === actual || (type === "array" && isArrayType(actual)) || (type === "array[any]" && isArrayType(actual)));
}

/** The type of an element of an array type. */
export function elementType(type: ValueType): ValueType {
  if (!isArrayType(type)) return "any";
  const inner = type.slice("array[".length, -1);
  return valueTypeSchema.safeParse(inner).success ? (inner as ValueType) : "any";
}

/** The type a runtime value has, as precisely as it can be told. */
export function typeOfValue(value: unknown): ValueType {
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "boolean";
  if (Array.isArray(value)) {
    const types = new Set(value.map((item) => typeOfValue(item)));
    const only = types.size === 1 ? [...types][0] : undefined;
    if (only === "string" || only === "number" || only === "boolean" || only === "object" || only === "file") return `array[${only}]`;
    return "array[any]";
  }
  if (value !== null && typeof value === "object") return "object";
  return "any";
}
