import type { LocalModelUsage } from "../local-model-runtime.ts";

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function toOpenAiUsage(usage: Pick<LocalModelUsage, "tokensIn" | "tokensOut">): OpenAiUsage {
  return { prompt_tokens: usage.tokensIn, completion_tokens: usage.tokensOut, total_tokens: usage.tokensIn + usage.tokensOut };
}

export function sumOpenAiUsage(usages: OpenAiUsage[]): OpenAiUsage {
  return usages.reduce(
    (sum, usage) => ({
      prompt_tokens: sum.prompt_tokens + usage.prompt_tokens,
      completion_tokens: sum.completion_tokens + usage.completion_tokens,
      total_tokens: sum.total_tokens + usage.total_tokens,
    }),
    { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  );
}
