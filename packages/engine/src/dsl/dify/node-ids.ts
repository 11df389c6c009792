import { SYSTEM_NAMESPACES } from "../../schema/value-reference.ts";
import { setOwn } from "./converter.ts";

const VALID_ID = /^[A-Za-z0-9_-]+$/;
const MAX_ID_LENGTH = 128;

/**
 * Tandem ids for the file's nodes, one per node in order. Valid ids are kept; others have each
 * run of characters outside [A-Za-z0-9_-] replaced by one "_" (none at the ends; "node" if
 * nothing is left) and, if that collides, a numeric suffix. Valid ids
 * are placed first so a renamed node never takes a kept node's id.
 */
export function assignNodeIds(rawIds: readonly string[]): string[] {
  const taken = new Set<string>();
  const result: Array<string | undefined> = rawIds.map(() => undefined);
  rawIds.forEach((raw, index) => {
    if (isUsable(raw) && !taken.has(raw)) {
      taken.add(raw);
      result[index] = raw;
    }
  });
  rawIds.forEach((raw, index) => {
    if (result[index] !== undefined) return;
    let base = raw.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, MAX_ID_LENGTH - 8) || "node";
    if ((SYSTEM_NAMESPACES as readonly string[]).includes(base)) base = `${base}_node`;
    let candidate = base;
    for (let suffix = 2; taken.has(candidate); suffix += 1) candidate = `${base}_${suffix}`;
    taken.add(candidate);
    result[index] = candidate;
  });
  return result as string[];
}

function isUsable(id: string): boolean {
  return VALID_ID.test(id) && id.length <= MAX_ID_LENGTH && !(SYSTEM_NAMESPACES as readonly string[]).includes(id);
}

export interface ReferenceRewrite {
  /** Old node id → new, for the ids that changed. */
  renamed: ReadonlyMap<string, string>;
  /** Every node id in the file (old spelling): selector-like lists starting with one are references. */
  nodeIds: ReadonlySet<string>;
  /** The start node's old id: very old files read system variables as [startId, "sys.query"]. */
  startId?: string;
}

const ROOTS = new Set<string>(SYSTEM_NAMESPACES);
/** Dify system variables under another name in Tandem. */
const SYSTEM_RENAMES: Record<string, string> = { workflow_run_id: "run_id" };
const TEXT_REFERENCE = /\{\{#([^#{}\n]+?)#\}\}/g;

/**
 * Rewrites every reference in a Dify node's data, whatever the node type: value selectors
 * (lists of text starting with a node id or sys/env/conversation) and `{{#id.var#}}` in text.
 * Renamed node ids get their new id; selector parts become text.
 */
export function rewriteReferences(value: unknown, rewrite: ReferenceRewrite, depth = 0): unknown {
  if (depth > 64) return value;
  if (typeof value === "string") return value.includes("{{#") ? value.replace(TEXT_REFERENCE, (_match, body: string) => `{{#${rewriteSelector(body.split("."), rewrite).join(".")}#}}`) : value;
  if (Array.isArray(value)) {
    if (isSelectorLike(value, rewrite)) return rewriteSelector(value.map((part) => String(part)), rewrite);
    return value.map((item) => rewriteReferences(item, rewrite, depth + 1));
  }
  if (typeof value === "object" && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      setOwn(result, key, rewriteReferences(item, rewrite, depth + 1));
    }
    return result;
  }
  return value;
}

function isSelectorLike(value: unknown[], rewrite: ReferenceRewrite): boolean {
  if (value.length < 2 || !value.every((part) => typeof part === "string" || typeof part === "number")) return false;
  const root = String(value[0]);
  return ROOTS.has(root) || rewrite.nodeIds.has(root);
}

function rewriteSelector(parts: string[], rewrite: ReferenceRewrite): string[] {
  if (parts.length < 2) return parts;
  const [root = "", name = "", ...rest] = parts;
  if (root === rewrite.startId && name.startsWith("sys.")) return rewriteSelector(["sys", name.slice(4), ...rest], rewrite);
  if (root === rewrite.startId && name === "sys" && rest.length > 0) return rewriteSelector(["sys", ...rest], rewrite);
  if (root === "sys") return ["sys", SYSTEM_RENAMES[name] ?? name, ...rest];
  const renamed = rewrite.renamed.get(root);
  return renamed === undefined ? parts : [renamed, ...parts.slice(1)];
}
