import { defaultNodeSchemaRegistry, type NodeSchemaRegistry } from "../nodes/node-schemas.ts";
import { emptyWorkflowDocument, WORKFLOW_SCHEMA_VERSION, type WorkflowDocument, type WorkflowNode } from "../schema/workflow-document.ts";
import { validateWorkflow } from "../validation/validate-workflow.ts";
import { buildGraph, type PlacedNode } from "./dify/build-graph.ts";
import { asRecord, asText, type ConverterContext, type DifyNodeData, type NodeConverter } from "./dify/converter.ts";
import { DIFY_CONTAINER_STARTS, difyNodeConverters } from "./dify/converters.ts";
import { assignNodeIds, rewriteReferences } from "./dify/node-ids.ts";
import { convertNodePolicy } from "./dify/node-policy.ts";
import { readDifyFile, readDifyVariables, reportDifyFeatures, type DifyApp } from "./dify/read-dify-file.ts";
import { keepUnsupported } from "./dify/unsupported.ts";
import { BUILTIN_TOOL_NAMES } from "../tools/builtin-tool-names.ts";
import type { ImportProblem } from "./import-problem.ts";
import { parseYamlText } from "./yaml-text.ts";

export type { ImportProblem } from "./import-problem.ts";
export type { DifyApp } from "./dify/read-dify-file.ts";

export interface DifyImport {
  /** The converted workflow; absent when the file could not be read as a Dify workflow or chatflow app. */
  document?: WorkflowDocument;
  /** The Dify app's name, description, icon and mode, for creating the app around the document. */
  app?: DifyApp;
  /** Everything not carried over as it was, then validation's findings ("Validation: …"). Errors first. */
  problems: ImportProblem[];
}

export interface DifyImportOptions {
  /** Node schemas the result is validated against; the default registry unless given. */
  registry?: NodeSchemaRegistry;
  /** Converters by Dify node type; the built-in table unless given. */
  converters?: Readonly<Record<string, NodeConverter>>;
  /** Names of the workspace's tools, for `tool` nodes; the built-in tools unless given. */
  tools?: Iterable<string>;
}

interface RawNode {
  index: number;
  rawId: string;
  difyType: string;
  data: DifyNodeData;
  node: Record<string, unknown>;
}

/**
 * Converts a Dify DSL export (0.1.x–0.3.x, workflow or advanced-chat app) into a Tandem document.
 * Nothing is dropped silently: what Tandem cannot run yet is imported as it is and reported as an error,
 * what it cannot represent is reported. Never throws.
 */
export function importDifyDsl(yamlText: string, options: DifyImportOptions = {}): DifyImport {
  const problems: ImportProblem[] = [];
  try {
    const parsed = parseYamlText(yamlText);
    if (!parsed.ok) return { problems: parsed.problems };
    const file = readDifyFile(parsed.value, problems);
    if (!file) return { problems };

    const containerStarts = new Set<string>();
    const raws: RawNode[] = [];
    file.nodes.forEach((item, index) => {
      const node = asRecord(item);
      const data = asRecord(node.data);
      const difyType = asText(data.type);
      const rawId = asText(node.id);
      const nodeType = asText(node.type);
      if (nodeType === "custom-note" || (difyType === "" && nodeType.endsWith("note"))) {
        const text = asText(data.text).replace(/\s+/g, " ").slice(0, 60);
        problems.push({ path: ["workflow", "graph", "nodes", index], message: `A canvas note was not imported: Tandem has no notes yet${text ? ` ("${text}")` : ""}.`, severity: "warning" });
      } else if (DIFY_CONTAINER_STARTS.has(difyType) || nodeType === "custom-iteration-start" || nodeType === "custom-loop-start") {
        containerStarts.add(rawId);
      } else {
        raws.push({ index, rawId, difyType, data, node });
      }
    });

    const newIds = assignNodeIds(raws.map((raw) => raw.rawId));
    const idOf = new Map<string, string>();
    raws.forEach((raw, position) => {
      const id = newIds[position] as string;
      const path = ["workflow", "graph", "nodes", raw.index, "id"];
      if (idOf.has(raw.rawId)) {
        const message = `Another node already has the id "${raw.rawId}": this one is now "${id}", and references to "${raw.rawId}" point at the first.`;
        problems.push({ nodeId: id, path, message, severity: "error" });
        return;
      }
      idOf.set(raw.rawId, id);
      if (id !== raw.rawId) {
        const message = `Node id "${raw.rawId}" became "${id}" (ids may only use letters, digits, "-" and "_"); references to it were updated.`;
        problems.push({ nodeId: id, path, message, severity: "warning" });
      }
    });
    const renamed = new Map([...idOf].filter(([from, to]) => from !== to));
    const rewrite = { renamed, nodeIds: new Set(idOf.keys()), startId: raws.find((raw) => raw.difyType === "start")?.rawId };

    const difyTypes = new Map(raws.map((raw, position) => [newIds[position] as string, raw.difyType]));
    const converters = options.converters ?? difyNodeConverters;
    const knownTools = new Set<string>(options.tools ?? BUILTIN_TOOL_NAMES);
    const placed: PlacedNode[] = raws.map((raw, position) => {
      const id = newIds[position] as string;
      const data = asRecord(rewriteReferences(raw.data, rewrite));
      const context: ConverterContext = {
        nodeId: id,
        kind: file.kind,
        report: (path, message, severity = "error") => problems.push({ nodeId: id, path: ["data", ...path], message, severity }),
        difyTypeOf: (nodeId) => difyTypes.get(nodeId),
        hasTool: (name) => knownTools.has(name),
      };
      const converter = Object.hasOwn(converters, raw.difyType) ? converters[raw.difyType] : undefined;
      const converted = converter ? converter(data, context) : keepUnsupported(raw.difyType, data, context);
      const node: WorkflowNode = {
        id,
        type: converted.type,
        version: converted.version,
        position: readPosition(raw.node.position),
        title: asText(data.title).slice(0, 200),
        config: converted.config,
      };
      const policy = convertNodePolicy(data, context);
      if (policy) node.policy = policy;
      const parent = asText(raw.node.parentId) || (data.isInIteration === true ? asText(data.iteration_id) : data.isInLoop === true ? asText(data.loop_id) : "");
      return parent === "" ? { node } : { node, parentId: idOf.get(parent) ?? parent };
    });

    const graph = buildGraph({ nodes: placed, idOf, containerStarts, edges: file.edges }, problems);
    const variables = readDifyVariables(file.workflow, problems);
    reportDifyFeatures(file.workflow, problems);
    const document: WorkflowDocument = {
      schemaVersion: WORKFLOW_SCHEMA_VERSION,
      kind: file.kind,
      graph,
      settings: emptyWorkflowDocument(file.kind).settings,
      variables,
    };

    const validation = validateWorkflow(document, { registry: options.registry ?? defaultNodeSchemaRegistry });
    for (const problem of validation.problems) {
      problems.push({ ...(problem.nodeId ? { nodeId: problem.nodeId } : {}), path: problem.path, message: `Validation: ${problem.message}`, severity: "error" });
    }
    return { document, app: file.app, problems: errorsFirst(problems) };
  } catch (error) {
    problems.push({ path: [], message: `The import stopped early: ${error instanceof Error ? error.message : String(error)}`, severity: "error" });
    return { problems: errorsFirst(problems) };
  }
}

function readPosition(value: unknown): { x: number; y: number } {
  const position = asRecord(value);
  const coordinate = (raw: unknown): number => (typeof raw === "number" && Number.isFinite(raw) ? raw : 0);
  return { x: coordinate(position.x), y: coordinate(position.y) };
}

/** Errors before warnings, each kept in the order found. */
function errorsFirst(problems: ImportProblem[]): ImportProblem[] {
  return [...problems.filter((problem) => problem.severity === "error"), ...problems.filter((problem) => problem.severity === "warning")];
}
