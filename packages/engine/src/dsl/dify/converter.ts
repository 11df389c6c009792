/**
 * The contract of a Dify node converter: one file per Dify node type, listed in converters.ts.
 * A converter turns the node's `data` into a Tandem node type and config. It never throws on odd
 * input; it reports what it cannot carry over (unsupported options, unknown values) through `report`.
 * Ids and references are already rewritten when it runs; retry and error policies are handled
 * for every node in node-policy.ts.
 */
export interface ConvertedNode {
  type: string;
  version: number;
  config: Record<string, unknown>;
}

export interface ConverterContext {
  /** The node's id in the imported document. */
  nodeId: string;
  /** The Tandem workflow kind being built. */
  kind: "workflow" | "chatflow";
  /** Reports a problem at a path inside the Dify node's `data`; severity defaults to error. */
  report(path: Array<string | number>, message: string, severity?: "error" | "warning"): void;
  /** The Dify type (`data.type`) of another node of the file, by its id in the imported document. */
  difyTypeOf(nodeId: string): string | undefined;
  /** Whether the workspace has a tool of this name (the built-ins, unless the importer was told the workspace's tools). */
  hasTool(name: string): boolean;
}

export type DifyNodeData = Record<string, unknown>;

export type NodeConverter = (data: DifyNodeData, context: ConverterContext) => ConvertedNode;

/** Fields of a Dify node's `data` that are editor state or handled outside the converters. */
export const DIFY_COMMON_FIELDS: ReadonlySet<string> = new Set([
  "type",
  "title",
  "desc",
  "selected",
  "isInIteration",
  "iteration_id",
  "isInLoop",
  "loop_id",
  "retry_config",
  "error_strategy",
  "default_value",
  "_targetBranches",
  "_connectedSourceHandleIds",
  "_connectedTargetHandleIds",
  "_isSingleRun",
  "_children",
  "positionAbsolute",
  "width",
  "height",
]);

/** The node's data without the common fields: what an unsupported node keeps as its config. */
export function specificFields(data: DifyNodeData): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (!DIFY_COMMON_FIELDS.has(key)) setOwn(config, key, value);
  return config;
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

/** Text from a string or a number (YAML may read an unquoted "42" as a number). */
export function asText(value: unknown, fallback = ""): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return fallback;
}

/** A value selector with every part as text; [] when it is not a list. */
export function asSelector(value: unknown): string[] {
  return asList(value).map((part) => asText(part));
}

/** `variables: [{ variable, value_selector }]`, Dify's named inputs, as Tandem's `[{ name, selector }]`. */
export function namedSelectors(value: unknown): Array<{ name: string; selector: string[] }> {
  return asList(value).map((item) => {
    const entry = asRecord(item);
    return { name: asText(entry.variable), selector: asSelector(entry.value_selector) };
  });
}

/** Sets a key from the file as an own property, so a key named "__proto__" stays data. */
export function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
