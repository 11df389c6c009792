import { parameterExtractorSchema } from "../../nodes/parameter-extractor/parameter-extractor.schema.ts";
import { asList, asRecord, asSelector, asText, type ConverterContext, type NodeConverter } from "./converter.ts";
import { convertModelSelection, reportModelNodeExtras } from "./model-selection.ts";

/** Dify parameter types as Tandem's; `select` is a string with options. */
const TYPES: Record<string, string> = {
  string: "string",
  select: "string",
  number: "number",
  bool: "boolean",
  boolean: "boolean",
  object: "object",
  "array[string]": "array[string]",
  "array[number]": "array[number]",
  "array[object]": "array[object]",
};

/** Dify's parameter extractor: prompt mode asks for JSON, function-call mode for a tool call. */
export const convertParameterExtractor: NodeConverter = (data, context) => {
  reportModelNodeExtras(data, context);
  if (data.memory !== undefined && data.memory !== null) {
    context.report(["memory"], "Conversation memory is not used by the parameter extractor in Tandem; it reads the query alone.", "warning");
  }
  const mode = asText(data.reasoning_mode, "prompt");
  if (mode !== "prompt" && mode !== "function_call") context.report(["reasoning_mode"], `Unknown reasoning mode "${mode}"; JSON mode was used.`, "warning");
  const instruction = asText(data.instruction);
  return {
    type: "parameter-extractor",
    version: parameterExtractorSchema.version,
    config: {
      model: convertModelSelection(data.model, context),
      query: asSelector(data.query),
      parameters: asList(data.parameters).map((item, index) => convertParameter(asRecord(item), index, context)),
      ...(instruction === "" ? {} : { instruction }),
      mode: mode === "function_call" ? "tools" : "json",
    },
  };
};

function convertParameter(entry: Record<string, unknown>, index: number, context: ConverterContext): Record<string, unknown> {
  const declared = asText(entry.type, "string");
  let type = Object.hasOwn(TYPES, declared) ? TYPES[declared] : undefined;
  if (type === undefined) {
    type = "string";
    context.report(["parameters", index, "type"], `Parameter type "${declared}" is not supported; "${asText(entry.name)}" was imported as a string.`, "warning");
  }
  const options = asList(entry.options).map((option) => asText(option)).filter((option) => option !== "");
  return {
    name: asText(entry.name),
    type,
    description: asText(entry.description),
    required: entry.required === true,
    ...(options.length > 0 && (type === "string" || type === "array[string]") ? { options } : {}),
  };
}
