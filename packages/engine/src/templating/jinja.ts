import nunjucks from "nunjucks";

/**
 * Jinja2-syntax templates (nunjucks) with the sandbox Jinja users expect: templates read data, they
 * cannot reach JavaScript. Member lookup returns only own data properties (and `length`), never
 * functions or prototype members, which closes `"".constructor.constructor("…")()` style escapes.
 */
const BLOCKED = new Set(["constructor", "__proto__", "prototype", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__"]);

function safeMemberLookup(target: unknown, key: unknown): unknown {
  if (target === undefined || target === null) return undefined;
  const name = typeof key === "number" ? key : String(key);
  if (typeof name === "string" && BLOCKED.has(name)) return undefined;
  if (name === "length" && (typeof target === "string" || Array.isArray(target))) return target.length;
  if (typeof target !== "object") return undefined;
  if (!Object.prototype.hasOwnProperty.call(target, name)) return undefined;
  const value = (target as Record<string | number, unknown>)[name];
  return typeof value === "function" ? undefined : value;
}

// The compiled templates call `runtime.memberLookup` at render time, so replacing it here applies to all.
(nunjucks.runtime as unknown as { memberLookup: typeof safeMemberLookup }).memberLookup = safeMemberLookup;

const environment = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true });
environment.addFilter("tojson", (value: unknown) => JSON.stringify(value));

const cache = new Map<string, nunjucks.Template>();
const CACHE_LIMIT = 500;

export class TemplateError extends Error {
  override readonly name = "TemplateError";
}

function compile(source: string): nunjucks.Template {
  let template = cache.get(source);
  if (!template) {
    try {
      template = new nunjucks.Template(source, environment, undefined, true);
    } catch (error) {
      throw new TemplateError(`The template does not compile: ${cleanMessage(error)}`);
    }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(source, template);
  }
  return template;
}

/** Checks a template compiles; returns the problem, or null. */
export function checkTemplate(source: string): string | null {
  try {
    compile(source);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function renderTemplate(source: string, variables: Record<string, unknown>): string {
  const template = compile(source);
  try {
    return template.render(variables);
  } catch (error) {
    throw new TemplateError(`The template failed to render: ${cleanMessage(error)}`);
  }
}

function cleanMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^\(unknown path\)\s*/, "").replace(/\s+/g, " ").trim();
}
