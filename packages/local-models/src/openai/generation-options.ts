import type { LocalGenerationOptions } from "../local-model-runtime.ts";

interface OpenAiSampling {
  temperature?: number | null | undefined;
  top_p?: number | null | undefined;
  seed?: number | null | undefined;
  stop?: string | string[] | null | undefined;
}

/**
 * OpenAI's sampling fields in the runtime's terms. A missing temperature stays missing, so the
 * runtime's greedy default applies (OpenAI's own default is 1): local answers are reproducible.
 */
export function toGenerationOptions(
  request: OpenAiSampling,
  maxTokens: number | null | undefined,
): Omit<LocalGenerationOptions, "model" | "signal" | "onToken"> {
  const stop = typeof request.stop === "string" ? [request.stop] : (request.stop ?? undefined);
  return {
    ...(maxTokens != null && { maxTokens }),
    ...(request.temperature != null && { temperature: request.temperature }),
    ...(request.top_p != null && { topP: request.top_p }),
    ...(request.seed != null && { seed: request.seed }),
    ...(stop !== undefined && stop.length > 0 && { stop }),
  };
}
