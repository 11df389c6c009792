import type { WorkflowKind } from "../../schema/workflow-document.ts";
import type { ImportProblem } from "../import-problem.ts";
import { asList, asRecord, asText, setOwn } from "./converter.ts";

export interface DifyApp {
  name: string;
  description: string;
  icon: string;
  mode: string;
}

export interface DifyFile {
  kind: WorkflowKind;
  app: DifyApp;
  nodes: unknown[];
  edges: unknown[];
  workflow: Record<string, unknown>;
}

const MODES: Record<string, WorkflowKind> = { workflow: "workflow", "advanced-chat": "chatflow" };
const KNOWN_VERSION = /^0\.[1-3]\.\d+$/;

/** The parts of a Dify DSL file the importer reads, or undefined (with an error) when it is not one. */
export function readDifyFile(value: unknown, problems: ImportProblem[]): DifyFile | undefined {
  const error = (path: Array<string | number>, message: string): undefined => {
    problems.push({ path, message, severity: "error" });
    return undefined;
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return error([], "This is not a Dify DSL file: expected a YAML mapping with `app` and `workflow` sections.");
  }
  const file = value as Record<string, unknown>;
  if (file.app === undefined && file.schemaVersion !== undefined) return error([], "This is a Tandem workflow file, not a Dify one: import it as Tandem DSL.");
  if (typeof file.app !== "object" || file.app === null) return error(["app"], "This is not a Dify DSL file: the `app` section is missing.");
  if (file.kind !== undefined && file.kind !== "app") return error(["kind"], `This is not a Dify app export: kind is "${asText(file.kind)}", expected "app".`);

  const appData = asRecord(file.app);
  const mode = asText(appData.mode);
  const kind = MODES[mode];
  if (!kind) {
    return error(["app", "mode"], `Dify "${mode || "(no mode)"}" apps cannot be imported: only Workflow and Chatflow (advanced-chat) apps have a workflow graph.`);
  }
  if (typeof file.workflow !== "object" || file.workflow === null) return error(["workflow"], "This is not a Dify workflow export: the `workflow` section is missing.");
  const workflow = asRecord(file.workflow);
  const graph = asRecord(workflow.graph);
  if (!Array.isArray(graph.nodes)) return error(["workflow", "graph", "nodes"], "The workflow has no `graph.nodes` list.");

  const version = asText(file.version);
  if (version === "") problems.push({ path: ["version"], message: "The file has no DSL version; it was read as Dify DSL 0.1–0.3.", severity: "warning" });
  else if (!KNOWN_VERSION.test(version)) {
    problems.push({ path: ["version"], message: `Dify DSL version ${version} is not one this importer was written for (0.1–0.3): check the result.`, severity: "warning" });
  }
  return {
    kind,
    app: { name: asText(appData.name), description: asText(appData.description), icon: asText(appData.icon), mode },
    nodes: graph.nodes as unknown[],
    edges: asList(graph.edges),
    workflow,
  };
}

/**
 * Environment and conversation variables as the document's `variables` (one namespace: `env.x` and
 * `conversation.x` both read `variables.x`). Numbers given as text become numbers.
 */
export function readDifyVariables(workflow: Record<string, unknown>, problems: ImportProblem[]): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  const read = (section: "environment_variables" | "conversation_variables"): void => {
    asList(workflow[section]).forEach((item, index) => {
      const entry = asRecord(item);
      const name = asText(entry.name ?? entry.variable);
      const path = ["workflow", section, index];
      if (name === "" || Object.hasOwn(variables, name)) {
        const message = name === "" ? "A variable without a name was not imported." : `Variable "${name}" is defined twice; the first definition was kept.`;
        problems.push({ path, message, severity: "warning" });
        return;
      }
      if (entry.value_type === "secret") {
        problems.push({ path, message: `Secret "${name}": check its value after import (Dify exports secrets only on request).`, severity: "warning" });
      }
      setOwn(variables, name, entry.value_type === "number" ? numberOrText(entry.value) : (entry.value ?? null));
    });
  };
  read("environment_variables");
  const before = Object.keys(variables).length;
  read("conversation_variables");
  if (Object.keys(variables).length > before) {
    problems.push({
      path: ["workflow", "conversation_variables"],
      message: "Conversation variables were imported as workflow variables holding their initial value: Tandem has no node that changes them during a conversation yet.",
      severity: "warning",
    });
  }
  return variables;
}

/** Dify keeps number variables as text. */
function numberOrText(value: unknown): unknown {
  if (typeof value !== "string" || value.trim() === "") return value ?? null;
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

const FEATURES: Array<[string, (features: Record<string, unknown>) => boolean]> = [
  ["opening statement", (features) => asText(features.opening_statement).trim() !== ""],
  ["suggested questions", (features) => asList(features.suggested_questions).length > 0],
  ["follow-up suggestions", (features) => asRecord(features.suggested_questions_after_answer).enabled === true],
  ["file upload", (features) => asRecord(features.file_upload).enabled === true || asRecord(asRecord(features.file_upload).image).enabled === true],
  ["speech to text", (features) => asRecord(features.speech_to_text).enabled === true],
  ["text to speech", (features) => asRecord(features.text_to_speech).enabled === true],
  ["content moderation", (features) => asRecord(features.sensitive_word_avoidance).enabled === true],
  ["citations", (features) => asRecord(features.retriever_resource).enabled === true],
];

/** Dify app features have no place in a Tandem workflow document: say which ones were on. */
export function reportDifyFeatures(workflow: Record<string, unknown>, problems: ImportProblem[]): void {
  const features = asRecord(workflow.features);
  const enabled = FEATURES.filter(([, isOn]) => isOn(features)).map(([name]) => name);
  if (enabled.length > 0) {
    problems.push({ path: ["workflow", "features"], message: `App features not imported (set them up again in Tandem): ${enabled.join(", ")}.`, severity: "warning" });
  }
}
