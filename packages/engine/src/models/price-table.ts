import { z } from "zod";
import type { ProviderConfig } from "./provider-config.ts";

/** USD per million tokens. */
export const modelPriceSchema = z.object({ input: z.number().min(0), output: z.number().min(0) });
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/**
 * A workspace's own prices, keyed by model (`"gpt-4o-mini"`) or by reference (`"openai:gpt-4o-mini"`,
 * which wins): for negotiated rates, new models, or a paid self-hosted endpoint.
 */
export const priceOverridesSchema = z.record(z.string(), modelPriceSchema);
export type PriceOverrides = z.infer<typeof priceOverridesSchema>;

/**
 * List prices of well-known cloud models, USD per 1M input/output tokens, as published by the
 * providers (CNY prices converted at about 7.2). Prices change: this table is a starting point that
 * workspaces override, not a bill. Versioned names (`gpt-4o-mini-2024-07-18`) match their base entry.
 */
export const defaultPrices: Readonly<Record<string, ModelPrice>> = {
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "gpt-5": { input: 1.25, output: 10 },
  "gpt-5-mini": { input: 0.25, output: 2 },
  "gpt-5-nano": { input: 0.05, output: 0.4 },
  "o3-mini": { input: 1.1, output: 4.4 },
  "o4-mini": { input: 1.1, output: 4.4 },
  "text-embedding-3-small": { input: 0.02, output: 0 },
  "text-embedding-3-large": { input: 0.13, output: 0 },
  "claude-3-5-haiku": { input: 0.8, output: 4 },
  "claude-3.5-haiku": { input: 0.8, output: 4 },
  "claude-haiku-4-5": { input: 1, output: 5 },
  "claude-3-7-sonnet": { input: 3, output: 15 },
  "claude-sonnet-4": { input: 3, output: 15 },
  "claude-sonnet-4-5": { input: 3, output: 15 },
  "claude-opus-4": { input: 15, output: 75 },
  "claude-opus-4-1": { input: 15, output: 75 },
  "deepseek-chat": { input: 0.27, output: 1.1 },
  "deepseek-reasoner": { input: 0.55, output: 2.19 },
  "qwen-turbo": { input: 0.05, output: 0.2 },
  "qwen-plus": { input: 0.4, output: 1.2 },
  "qwen-max": { input: 1.6, output: 6.4 },
  "text-embedding-v3": { input: 0.07, output: 0 },
  "moonshot-v1-8k": { input: 1.67, output: 1.67 },
  "moonshot-v1-32k": { input: 3.33, output: 3.33 },
  "moonshot-v1-128k": { input: 8.33, output: 8.33 },
  "kimi-k2": { input: 0.6, output: 2.5 },
  "glm-4-flash": { input: 0, output: 0 },
  "glm-4-plus": { input: 0.69, output: 0.69 },
  "glm-4.5": { input: 0.6, output: 2.2 },
  "embedding-3": { input: 0.07, output: 0 },
};

export interface PriceTable {
  /** The price of a model, or undefined when neither the workspace nor the defaults know it. */
  priceOf(provider: Pick<ProviderConfig, "name" | "isLocal">, model: string): ModelPrice | undefined;
  /** USD for one call: 0 for local providers, undefined for unknown cloud models. */
  costOf(provider: Pick<ProviderConfig, "name" | "isLocal">, model: string, tokensIn: number, tokensOut: number): number | undefined;
}

export function createPriceTable(overrides: PriceOverrides = {}): PriceTable {
  const table: Record<string, ModelPrice> = { ...defaultPrices, ...overrides };
  const lookup = (name: string): ModelPrice | undefined => {
    if (Object.hasOwn(table, name)) return table[name];
    // Longest entry the name starts with: "gpt-4o-mini-2024-07-18" → "gpt-4o-mini", never "gpt-4o".
    let best: string | undefined;
    for (const key of Object.keys(table)) {
      if (name.startsWith(`${key}-`) && (best === undefined || key.length > best.length)) best = key;
    }
    return best === undefined ? undefined : table[best];
  };
  const priceOf: PriceTable["priceOf"] = (provider, model) => {
    const reference = `${provider.name}:${model}`;
    if (Object.hasOwn(overrides, reference)) return overrides[reference];
    if (provider.isLocal) return { input: 0, output: 0 };
    // OpenRouter and SiliconFlow prefix the vendor: "openai/gpt-4o-mini".
    return lookup(model) ?? lookup(model.slice(model.lastIndexOf("/") + 1));
  };
  return {
    priceOf,
    costOf(provider, model, tokensIn, tokensOut) {
      const price = priceOf(provider, model);
      if (price === undefined) return undefined;
      return (tokensIn * price.input + tokensOut * price.output) / 1_000_000;
    },
  };
}

const defaultTable = createPriceTable();

/** Cost from the default price table (the gateway uses the workspace's table). */
export function costOf(provider: Pick<ProviderConfig, "name" | "isLocal">, model: string, tokensIn: number, tokensOut: number): number | undefined {
  return defaultTable.costOf(provider, model, tokensIn, tokensOut);
}
