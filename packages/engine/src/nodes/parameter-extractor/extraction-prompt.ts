import type { ChatMessage, ToolDefinition } from "../../ports/model-gateway.ts";
import type { ExtractedParameter, ExtractedType } from "./parameter-extractor.schema.ts";

/** The one tool of "tools" mode: its arguments are the parameters. */
export const EXTRACTION_TOOL_NAME = "extract_parameters";

/** JSON Schema of one parameter, as the tool's arguments and the JSON answer describe it. */
function parameterSchema(parameter: ExtractedParameter): Record<string, unknown> {
  const base = typeSchema(parameter.type);
  const withOptions = parameter.options?.length
    ? parameter.type === "string"
      ? { ...base, enum: parameter.options }
      : { ...base, items: { type: "string", enum: parameter.options } }
    : base;
  return parameter.description ? { ...withOptions, description: parameter.description } : withOptions;
}

function typeSchema(type: ExtractedType): Record<string, unknown> {
  switch (type) {
    case "array[string]":
      return { type: "array", items: { type: "string" } };
    case "array[number]":
      return { type: "array", items: { type: "number" } };
    case "array[object]":
      return { type: "array", items: { type: "object" } };
    default:
      return { type };
  }
}

export function parametersJsonSchema(parameters: readonly ExtractedParameter[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const parameter of parameters) properties[parameter.name] = parameterSchema(parameter);
  return { type: "object", properties, required: parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name) };
}

export function extractionTool(parameters: readonly ExtractedParameter[]): ToolDefinition {
  return { name: EXTRACTION_TOOL_NAME, description: "Record the values found in the text.", parameters: parametersJsonSchema(parameters) };
}

/**
 * A short prompt: one line per parameter with its type, whether it is required and its allowed
 * values, so a small model sees exactly what to fill in.
 */
export function buildExtractionMessages(parameters: readonly ExtractedParameter[], query: string, instruction: string, mode: "json" | "tools"): ChatMessage[] {
  const lines = parameters.map((parameter) => {
    const options = parameter.options?.length ? `; one of: ${parameter.options.join(", ")}` : "";
    const description = parameter.description ? `: ${parameter.description}` : "";
    return `- ${parameter.name} (${parameter.type}${parameter.required ? ", required" : ""}${options})${description}`;
  });
  const answer =
    mode === "tools"
      ? `Call the ${EXTRACTION_TOOL_NAME} tool with the values.`
      : "Reply with one JSON object with these keys and nothing else. Leave out a key whose value is not in the text.";
  const system = ["Extract these values from the text:", ...lines, instruction, answer].filter((line) => line !== "").join("\n");
  return [
    { role: "system", content: system },
    { role: "user", content: query },
  ];
}
