import { z } from "zod";
import { isModelField, isModelReferenceField } from "./model-field.ts";
import type { AcceptedType } from "./value-types.ts";

/**
 * Values flow between nodes by reference, in Dify's conventions: a config field holds a value selector
 * `["nodeId", "output", ...path]`, and text holds `{{#nodeId.output#}}`. These zod builders mark such
 * fields so one walk over a node's config finds every reference (for validation, the editor's variable
 * picker and the runtime) without each node listing them by hand.
 */
export type ValueSelector = string[];

/** Reserved selector roots that are not node ids. */
export const SYSTEM_NAMESPACES = ["sys", "env", "conversation"] as const;

const SELECTOR_TAG = "tandem:selector";
const TEMPLATE_TAG = "tandem:template";

interface SelectorMeta {
  tag: typeof SELECTOR_TAG;
  accepts: AcceptedType[];
}
interface TemplateMeta {
  tag: typeof TEMPLATE_TAG;
}

const selectorMeta = new WeakMap<z.ZodTypeAny, SelectorMeta>();
const templateMeta = new WeakMap<z.ZodTypeAny, TemplateMeta>();

export const valueSelectorSchema = z
  .array(z.string().min(1, "a selector part cannot be empty"))
  .min(2, "a value selector needs a node id and an output name, like [\"start\", \"query\"]");

/** A config field that references another node's output. `accepts` restricts the type it may have. */
export function selector(options: { accepts?: AcceptedType[]; description?: string } = {}): z.ZodArray<z.ZodString> {
  const schema = options.description ? valueSelectorSchema.describe(options.description) : valueSelectorSchema.describe(SELECTOR_TAG);
  selectorMeta.set(schema, { tag: SELECTOR_TAG, accepts: options.accepts ?? ["any"] });
  return schema;
}

/** A config field of text that may embed `{{#nodeId.output#}}` references (and Jinja2 in template nodes). */
export function templateText(options: { maxLength?: number; description?: string } = {}): z.ZodString {
  const base = z.string().max(options.maxLength ?? 200_000);
  const schema = options.description ? base.describe(options.description) : base.describe(TEMPLATE_TAG);
  templateMeta.set(schema, { tag: TEMPLATE_TAG });
  return schema;
}

const TEMPLATE_REFERENCE = /\{\{#([\w-]+(?:\.[\w-]+)+)#\}\}/g;

/** The `{{#a.b#}}` references in a text, as selectors. */
export function templateReferences(text: string): ValueSelector[] {
  const found: ValueSelector[] = [];
  for (const match of text.matchAll(TEMPLATE_REFERENCE)) {
    const body = match[1];
    if (body) found.push(body.split("."));
  }
  return found;
}

/** A text cut at its `{{#a.b#}}` references: literal text and selectors, in order (for renderers that escape values). */
export function splitTemplate(text: string): Array<{ text: string } | { selector: ValueSelector }> {
  const parts: Array<{ text: string } | { selector: ValueSelector }> = [];
  let last = 0;
  for (const match of text.matchAll(TEMPLATE_REFERENCE)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ selector: (match[1] ?? "").split(".") });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** Replaces every `{{#a.b#}}` in `text` with `resolve(selector)` rendered as text. */
export function interpolateReferences(text: string, resolve: (selector: ValueSelector) => unknown): string {
  return text.replace(TEMPLATE_REFERENCE, (_match, body: string) => valueToText(resolve(body.split("."))));
}

export function valueToText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return JSON.stringify(value);
}

export interface FoundReference {
  selector: ValueSelector;
  /** Where in the config, e.g. ["cases", 0, "conditions", 1, "variable"]. */
  path: Array<string | number>;
  kind: "selector" | "template";
  accepts: AcceptedType[];
}

export interface FoundModel {
  /** The models named, primary first, then fallbacks. */
  models: string[];
  /** The routing policy; absent for a bare reference (`modelReferenceField`). */
  policy?: string;
  /** A model selection (`modelField`: the path is the selection's, its reference is under "model") or a bare reference (the path is the reference's). */
  kind: "selection" | "reference";
  path: Array<string | number>;
}

/**
 * Walks `value` alongside its zod `schema` and returns every reference in it. Unknown shapes are
 * skipped, never thrown on: this runs on unvalidated input too.
 */
export function collectReferences(schema: z.ZodTypeAny, value: unknown, path: Array<string | number> = []): FoundReference[] {
  const found: FoundReference[] = [];
  walk(schema, value, path, found, 0, []);
  return found;
}

/** Every model selection (see `modelField`) in a node's config. */
export function collectModels(schema: z.ZodTypeAny, value: unknown): FoundModel[] {
  const models: FoundModel[] = [];
  walk(schema, value, [], [], 0, models);
  return models;
}

function walk(
  schema: z.ZodTypeAny,
  value: unknown,
  path: Array<string | number>,
  found: FoundReference[],
  depth: number,
  models: FoundModel[],
): void {
  if (depth > 64 || value === undefined || value === null) return;
  if (isModelField(schema)) {
    if (typeof value === "object" && !Array.isArray(value)) {
      const selection = value as { model?: unknown; fallbacks?: unknown; policy?: unknown };
      const fallbacks: unknown[] = Array.isArray(selection.fallbacks) ? (selection.fallbacks as unknown[]) : [];
      const names = [selection.model, ...fallbacks].filter((name): name is string => typeof name === "string");
      models.push({ models: names, policy: typeof selection.policy === "string" ? selection.policy : "local-first", kind: "selection", path });
    }
    return;
  }
  if (isModelReferenceField(schema)) {
    if (typeof value === "string") models.push({ models: [value], kind: "reference", path });
    return;
  }
  const asSelector = selectorMeta.get(schema);
  if (asSelector) {
    if (Array.isArray(value) && value.length >= 2 && value.every((part) => typeof part === "string")) {
      found.push({ selector: value, path, kind: "selector", accepts: asSelector.accepts });
    }
    return;
  }
  if (templateMeta.has(schema)) {
    if (typeof value === "string") {
      for (const reference of templateReferences(value)) found.push({ selector: reference, path, kind: "template", accepts: ["any"] });
    }
    return;
  }
  const def = schema._def as { typeName?: string };
  switch (def.typeName) {
    case "ZodOptional":
    case "ZodNullable":
    case "ZodDefault":
    case "ZodCatch":
    case "ZodReadonly":
    case "ZodBranded":
      walk((schema._def as { innerType?: z.ZodTypeAny; type?: z.ZodTypeAny }).innerType ?? (schema._def as { type: z.ZodTypeAny }).type, value, path, found, depth + 1, models);
      return;
    case "ZodEffects":
      walk((schema._def as { schema: z.ZodTypeAny }).schema, value, path, found, depth + 1, models);
      return;
    case "ZodLazy":
      walk((schema._def as { getter: () => z.ZodTypeAny }).getter(), value, path, found, depth + 1, models);
      return;
    case "ZodPipeline":
      walk((schema._def as { in: z.ZodTypeAny }).in, value, path, found, depth + 1, models);
      return;
    case "ZodObject": {
      if (typeof value !== "object" || Array.isArray(value)) return;
      const shape = (schema as z.AnyZodObject).shape as Record<string, z.ZodTypeAny>;
      for (const [key, child] of Object.entries(shape)) {
        walk(child, (value as Record<string, unknown>)[key], [...path, key], found, depth + 1, models);
      }
      return;
    }
    case "ZodArray": {
      if (!Array.isArray(value)) return;
      const element = (schema._def as { type: z.ZodTypeAny }).type;
      value.slice(0, 10_000).forEach((item, index) => walk(element, item, [...path, index], found, depth + 1, models));
      return;
    }
    case "ZodRecord": {
      if (typeof value !== "object" || Array.isArray(value)) return;
      const element = (schema._def as { valueType: z.ZodTypeAny }).valueType;
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) walk(element, item, [...path, key], found, depth + 1, models);
      return;
    }
    case "ZodTuple": {
      if (!Array.isArray(value)) return;
      const items = (schema._def as { items: z.ZodTypeAny[] }).items;
      items.forEach((item, index) => walk(item, value[index], [...path, index], found, depth + 1, models));
      return;
    }
    case "ZodUnion":
    case "ZodDiscriminatedUnion": {
      const options = (schema._def as { options: z.ZodTypeAny[] | Map<unknown, z.ZodTypeAny> }).options;
      const list = Array.isArray(options) ? options : [...options.values()];
      const matching = list.find((option) => option.safeParse(value).success) ?? list[0];
      if (matching) walk(matching, value, path, found, depth + 1, models);
      return;
    }
    case "ZodIntersection": {
      walk((schema._def as { left: z.ZodTypeAny }).left, value, path, found, depth + 1, models);
      walk((schema._def as { right: z.ZodTypeAny }).right, value, path, found, depth + 1, models);
      return;
    }
    default:
      return;
  }
}
