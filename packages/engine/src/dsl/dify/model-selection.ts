import { asRecord, asText, type ConverterContext } from "./converter.ts";

/** Dify completion parameters Tandem's model selection carries; the others are reported as dropped. */
const CARRIED_PARAMETERS = new Set(["temperature", "max_tokens", "top_p"]);

/**
 * Dify's `model: { provider, name, mode, completion_params }` as Tandem's model selection. Dify names
 * providers by plugin path ("langgenius/openai/openai"); Tandem by the provider's name on its Models
 * page, so the last path segment is used and a warning says that provider must exist.
 */
export function convertModelSelection(value: unknown, context: ConverterContext): Record<string, unknown> {
  const model = asRecord(value);
  const provider = asText(model.provider).split("/").filter((part) => part !== "").pop() ?? "";
  const name = asText(model.name);
  if (provider === "" || name === "") {
    context.report(["model"], "The node names no model; pick one before running the workflow.");
    return { model: "" };
  }
  const reference = `${provider}:${name}`;
  context.report(["model", "provider"], `The model "${reference}" needs a provider named "${provider}" on Tandem's Models page; add it there, or pick another model.`, "warning");
  const selection: Record<string, unknown> = { model: reference };
  const parameters = asRecord(model.completion_params);
  const number = (key: string): number | undefined => (typeof parameters[key] === "number" && Number.isFinite(parameters[key]) ? parameters[key] : undefined);
  const temperature = number("temperature");
  if (temperature !== undefined) selection.temperature = Math.min(2, Math.max(0, temperature));
  const maxTokens = number("max_tokens");
  if (maxTokens !== undefined && maxTokens >= 1) selection.maxTokens = Math.floor(maxTokens);
  const topP = number("top_p");
  if (topP !== undefined) selection.topP = Math.min(1, Math.max(0, topP));
  const dropped = Object.keys(parameters).filter((key) => !CARRIED_PARAMETERS.has(key));
  if (dropped.length > 0) {
    context.report(["model", "completion_params"], `Model parameters ${dropped.join(", ")} are not supported and were not imported (temperature, max_tokens and top_p were).`, "warning");
  }
  return selection;
}

/** Reports Dify options on model nodes that Tandem does not carry over. */
export function reportModelNodeExtras(data: Record<string, unknown>, context: ConverterContext): void {
  if (asRecord(data.vision).enabled === true) {
    context.report(["vision"], "Vision (image input) is not supported yet: images are not passed to the model.", "warning");
  }
}
