import { Document, isScalar, visit } from "yaml";
import { WORKFLOW_SCHEMA_VERSION, type WorkflowDocument } from "../schema/workflow-document.ts";
import type { ImportProblem } from "./import-problem.ts";
import { isRecord, parseYamlText } from "./yaml-text.ts";

export type WorkflowYamlParse = { ok: true; document: unknown } | { ok: false; problems: ImportProblem[] };

const HEADER = [
  ` Tandem workflow (DSL v${WORKFLOW_SCHEMA_VERSION}).`,
  " Import it into Tandem to edit or run it. Value references use Dify's conventions:",
  ' selectors ["nodeId", "output"] in fields, {{#nodeId.output#}} in text.',
].join("\n");

/** Key orders of the document's own structures; any other object gets FIRST_KEYS, then the rest sorted. */
const DOCUMENT_KEYS = ["schemaVersion", "kind", "settings", "variables", "graph"];
const SETTINGS_KEYS = ["private", "maxSteps", "maxDurationMs"];
const GRAPH_KEYS = ["nodes", "edges"];
const NODE_KEYS = ["id", "type", "version", "title", "position", "config", "policy"];
const EDGE_KEYS = ["id", "source", "sourceHandle", "target"];
const POLICY_KEYS = ["retry", "timeoutMs", "onError", "defaults"];
const FIRST_KEYS = ["id", "name", "key", "type", "version", "title"];

/**
 * The document as YAML in Tandem's own DSL, with a header comment. Keys come out in a fixed order
 * whatever order the document's objects were built in, so exporting the same workflow twice gives the
 * same text and diffs stay small.
 */
export function exportWorkflowYaml(document: WorkflowDocument): string {
  const yaml = new Document(canonicalDocument(document), { aliasDuplicateObjects: false });
  yaml.commentBefore = HEADER;
  // Short lists of plain values (selectors, options) on one line: ["start", "query"].
  visit(yaml, {
    Seq(_key, node) {
      if (node.items.length <= 8 && node.items.every((item) => isScalar(item) && !(typeof item.value === "string" && (item.value.includes("\n") || item.value.length > 60)))) {
        node.flow = true;
      }
    },
  });
  return yaml.toString({ lineWidth: 0, indentSeq: true, flowCollectionPadding: false });
}

/**
 * Reads Tandem DSL YAML back. Checks only that it is a Tandem workflow file of a version this Tandem
 * reads; the caller validates the document itself (validateWorkflow). Syntax errors carry line and column.
 */
export function parseWorkflowYaml(text: string): WorkflowYamlParse {
  const parsed = parseYamlText(text);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  const fail = (message: string, path: Array<string | number> = []): WorkflowYamlParse => ({ ok: false, problems: [{ path, message, severity: "error" }] });
  if (!isRecord(value)) return fail("This is not a Tandem workflow file: expected a mapping with schemaVersion, kind and graph.");
  if (value.schemaVersion === undefined) {
    if (value.kind === "app" || (isRecord(value.app) && isRecord(value.workflow))) {
      return fail("This is a Dify DSL file, not a Tandem one: import it as a Dify app instead.");
    }
    return fail("This is not a Tandem workflow file: schemaVersion is missing.", ["schemaVersion"]);
  }
  if (typeof value.schemaVersion !== "number" || !Number.isInteger(value.schemaVersion) || value.schemaVersion < 1) {
    return fail(`schemaVersion must be ${WORKFLOW_SCHEMA_VERSION}.`, ["schemaVersion"]);
  }
  if (value.schemaVersion > WORKFLOW_SCHEMA_VERSION) {
    return fail(`This file uses DSL v${value.schemaVersion}, newer than this Tandem reads (v${WORKFLOW_SCHEMA_VERSION}): upgrade Tandem.`, ["schemaVersion"]);
  }
  return { ok: true, document: value };
}

function canonicalDocument(document: WorkflowDocument): Record<string, unknown> {
  const source = document as unknown as Record<string, unknown>;
  return orderKeys(source, DOCUMENT_KEYS, (key, value) => {
    if (key === "settings" && isRecord(value)) return orderKeys(value, SETTINGS_KEYS, canonicalEntry);
    if (key === "graph") return canonicalGraph(value);
    return canonical(value);
  });
}

function canonicalGraph(graph: unknown): unknown {
  if (!isRecord(graph)) return canonical(graph);
  return orderKeys(graph, GRAPH_KEYS, (key, value) => {
    if (!Array.isArray(value)) return canonical(value);
    if (key === "nodes") return value.map(canonicalNode);
    if (key === "edges") return value.map((edge) => (isRecord(edge) ? orderKeys(edge, EDGE_KEYS, canonicalEntry) : canonical(edge)));
    return canonical(value);
  });
}

function canonicalNode(node: unknown): unknown {
  if (!isRecord(node)) return canonical(node);
  return orderKeys(node, NODE_KEYS, (key, value) => {
    if (key === "config" && isRecord(value)) {
      // A container's sub-graph (iteration) is laid out like the top-level graph.
      return orderKeys(value, [], (configKey, configValue) => (configKey === "graph" ? canonicalGraph(configValue) : canonical(configValue)));
    }
    if (key === "policy" && isRecord(value)) return orderKeys(value, POLICY_KEYS, canonicalEntry);
    return canonical(value);
  });
}

function canonicalEntry(_key: string, value: unknown): unknown {
  return canonical(value);
}

/** Any value with object keys put in order (FIRST_KEYS first, then sorted) and undefined entries left out. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : canonical(item)));
  if (isRecord(value)) return orderKeys(value, [], canonicalEntry);
  return value;
}

function orderKeys(
  source: Record<string, unknown>,
  preferred: readonly string[],
  mapValue: (key: string, value: unknown) => unknown,
): Record<string, unknown> {
  const first = preferred.length > 0 ? preferred : FIRST_KEYS;
  const keys = Object.keys(source).filter((key) => source[key] !== undefined);
  const head = first.filter((key) => keys.includes(key));
  const tail = keys.filter((key) => !first.includes(key)).sort();
  const result: Record<string, unknown> = {};
  for (const key of [...head, ...tail]) {
    // defineProperty: a "__proto__" key stays a plain key.
    Object.defineProperty(result, key, { value: mapValue(key, source[key]), enumerable: true, writable: true, configurable: true });
  }
  return result;
}
