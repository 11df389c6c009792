import { specificFields, type ConverterContext, type ConvertedNode, type DifyNodeData } from "./converter.ts";

/** Dify node types Tandem has no converter for yet, by their names in Dify's editor. */
const KNOWN_DIFY_TYPES: Record<string, string> = {
  agent: "Agent",
  "document-extractor": "Doc Extractor",
  loop: "Loop",
  "loop-end": "Exit Loop",
  assigner: "Variable Assigner",
  "knowledge-index": "Knowledge Base",
  datasource: "Data Source",
  "trigger-webhook": "Webhook Trigger",
  "trigger-schedule": "Schedule Trigger",
  "trigger-plugin": "Plugin Trigger",
  "human-input": "Human Input",
};

/**
 * A node Tandem cannot run yet is imported as it is, under its Dify type, so it shows in the editor
 * where it was (validation flags its type); an error says what to replace it with.
 */
export function keepUnsupported(difyType: string, data: DifyNodeData, context: ConverterContext): ConvertedNode {
  const name = KNOWN_DIFY_TYPES[difyType];
  const title = typeof data.title === "string" && data.title !== "" ? `"${data.title}" ` : "";
  context.report(
    ["type"],
    name
      ? `${title}is a node of type ${name} (${difyType}), which Tandem does not support yet: it was imported as is and must be replaced or removed before the workflow can run.`
      : `${title}has the unknown Dify node type "${difyType || "(none)"}": it was imported as is and must be replaced or removed before the workflow can run.`,
  );
  return { type: difyType || "unknown", version: 1, config: specificFields(data) };
}
