import { z } from "zod";
import { isPlainObject } from "./extract-json.ts";

/**
 * A JSON Schema as a node config holds it (structured output, HTTP tool parameters). Only its shape
 * as an object is checked here; `validateJsonSchema` understands the subset models are asked for.
 */
export const jsonSchemaObjectSchema = z
  .record(z.string(), z.unknown())
  .refine((schema) => JSON.stringify(schema).length <= 100_000, "the schema is too large (100 KB at most)");
export type JsonSchemaObject = z.infer<typeof jsonSchemaObjectSchema>;

const MAX_ERRORS = 10;

/**
 * Checks a value against the subset of JSON Schema that structured output uses: `type` (one or a
 * list), `properties`, `required`, `additionalProperties: false`, `items`, `enum`, `const`. Other
 * keywords are ignored, never rejected. Returns what is wrong, as `$.path: message`; empty when valid.
 */
export function validateJsonSchema(value: unknown, schema: JsonSchemaObject): string[] {
  const errors: string[] = [];
  check(value, schema, "$", errors, 0);
  return errors.slice(0, MAX_ERRORS);
}

function check(value: unknown, schema: Record<string, unknown>, path: string, errors: string[], depth: number): void {
  if (depth > 32 || errors.length >= MAX_ERRORS) return;
  const types = typeof schema.type === "string" ? [schema.type] : Array.isArray(schema.type) ? schema.type.filter((type): type is string => typeof type === "string") : [];
  if (types.length > 0 && !types.some((type) => hasType(value, type))) {
    errors.push(`${path}: expected ${types.join(" or ")}, got ${describeType(value)}`);
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => sameValue(option, value))) {
    errors.push(`${path}: must be one of ${schema.enum.map((option) => JSON.stringify(option)).join(", ")}`);
  }
  if ("const" in schema && !sameValue(schema.const, value)) errors.push(`${path}: must be ${JSON.stringify(schema.const)}`);
  if (isPlainObject(value)) {
    const properties = isPlainObject(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === "string") : [];
    for (const name of required) {
      if (!Object.hasOwn(value, name) || value[name] === undefined) errors.push(`${path}.${name}: is required`);
    }
    for (const [name, child] of Object.entries(value)) {
      const childSchema = Object.hasOwn(properties, name) ? properties[name] : undefined;
      if (isPlainObject(childSchema)) check(child, childSchema, `${path}.${name}`, errors, depth + 1);
      else if (schema.additionalProperties === false) errors.push(`${path}.${name}: is not allowed`);
    }
  }
  if (Array.isArray(value) && isPlainObject(schema.items)) {
    const items = schema.items;
    value.forEach((item, index) => check(item, items, `${path}[${index}]`, errors, depth + 1));
  }
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "object":
      return isPlainObject(value);
    case "array":
      return Array.isArray(value);
    case "null":
      return value === null;
    default:
      return true;
  }
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function sameValue(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}
