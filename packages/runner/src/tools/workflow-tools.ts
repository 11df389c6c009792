import type { PrismaClient } from "@tandem/db";
import { validateWorkflow, type ToolImplementation, type ToolSource } from "@tandem/engine";

/** Nested workflow-as-tool calls allowed below a top-level run; deeper is refused (a runaway chain would never end). */
export const MAX_WORKFLOW_TOOL_DEPTH = 3;

/** Runs a child run to its end (created with trigger "tool") and returns its outcome. */
export type RunChildWorkflow = (request: {
  workspaceId: string;
  appId: string;
  appVersionId: string;
  document: unknown;
  inputs: Record<string, unknown>;
  /** App ids from the top-level run down to the child, the child included. */
  callChain: readonly string[];
  signal: AbortSignal;
}) => Promise<{ status: string; outputs: Record<string, unknown>; error?: string }>;

const JSON_TYPES: Record<string, Record<string, unknown>> = {
  text: { type: "string" },
  paragraph: { type: "string" },
  select: { type: "string" },
  number: { type: "number" },
  boolean: { type: "boolean" },
  json: {},
  file: { type: "string" },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The start node's inputs of a document as a JSON Schema (the tool's parameters). */
function parametersOf(document: unknown): Record<string, unknown> {
  const nodes = isRecord(document) && isRecord(document.graph) && Array.isArray(document.graph.nodes) ? document.graph.nodes : [];
  const start: unknown = nodes.find((node) => isRecord(node) && node.type === "start");
  const variables = isRecord(start) && isRecord(start.config) && Array.isArray(start.config.variables) ? start.config.variables : [];
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const variable of variables) {
    if (!isRecord(variable) || typeof variable.name !== "string") continue;
    const type = typeof variable.type === "string" ? variable.type : "text";
    properties[variable.name] = {
      ...(JSON_TYPES[type] ?? {}),
      ...(typeof variable.label === "string" ? { description: variable.label } : {}),
      ...(type === "select" && Array.isArray(variable.options) ? { enum: variable.options } : {}),
    };
    if (variable.required === true) required.push(variable.name);
  }
  return { type: "object", properties, ...(required.length > 0 ? { required } : {}) };
}

/**
 * The workspace's published workflows as tools, named `workflow__<app slug>` (its latest published
 * version runs). A call runs the child workflow as its own run (trigger "tool"), so it is recorded and
 * visible like any other. `callChain` is the chain of app ids that led to the calling run: an app
 * already in it is a cycle and is refused, as is a chain deeper than MAX_WORKFLOW_TOOL_DEPTH.
 */
export function createWorkflowToolSource(options: { prisma: PrismaClient; workspaceId: string; callChain: readonly string[]; runChild: RunChildWorkflow }): ToolSource {
  const { prisma, workspaceId, callChain } = options;
  return {
    label: "published workflows",
    owns: (name) => name.startsWith("workflow__"),
    async list() {
      const apps = await prisma.app.findMany({
        where: { workspaceId, versions: { some: {} } },
        select: { id: true, slug: true, name: true, description: true, versions: { orderBy: { version: "desc" }, take: 1, select: { id: true, document: true } } },
        orderBy: { slug: "asc" },
      });
      return apps.flatMap((app): ToolImplementation[] => {
        const version = app.versions[0];
        if (!version) return [];
        const name = `workflow__${app.slug.replace(/[^A-Za-z0-9_-]+/g, "_")}`.slice(0, 64);
        return [
          {
            name,
            kind: "workflow",
            description: (app.description || `Runs the workflow "${app.name}" and returns its outputs.`).slice(0, 2000),
            parameters: parametersOf(version.document),
            async run(args, context) {
              if (callChain.includes(app.id)) {
                throw new Error(`The workflow "${app.name}" is already running in this chain of workflow tools (a cycle); a workflow cannot call itself, directly or through others.`);
              }
              if (callChain.length > MAX_WORKFLOW_TOOL_DEPTH) {
                throw new Error(`Workflows may call workflows as tools at most ${MAX_WORKFLOW_TOOL_DEPTH} levels deep; calling "${app.name}" would go deeper.`);
              }
              const validation = validateWorkflow(version.document);
              if (!validation.ok) throw new Error(`The published workflow "${app.name}" is invalid: ${validation.problems[0]?.message ?? "unknown problem"}.`);
              const outcome = await options.runChild({
                workspaceId,
                appId: app.id,
                appVersionId: version.id,
                document: version.document,
                inputs: args,
                callChain: [...callChain, app.id],
                signal: context.signal,
              });
              if (outcome.status !== "succeeded") throw new Error(`The workflow "${app.name}" ${outcome.status}: ${outcome.error ?? "no error was recorded"}`);
              return outcome.outputs;
            },
          },
        ];
      });
    },
  };
}
