import type { NodeUsage } from "../../ports/node-usage.ts";

/**
 * The usage of a node that called models several times (agent iterations, summarize's map and
 * reduce): tokens and cost summed, the model that answered last, every fallback on the way, and the
 * time to first token of the first call (when the node began producing).
 */
export function sumUsage(usages: readonly NodeUsage[]): NodeUsage {
  const total: NodeUsage = { tokensIn: 0, tokensOut: 0 };
  const fallbacks: Array<{ model: string; reason: string }> = [];
  let cost: number | undefined;
  for (const usage of usages) {
    total.tokensIn += usage.tokensIn;
    total.tokensOut += usage.tokensOut;
    if (usage.cost !== undefined) cost = (cost ?? 0) + usage.cost;
    if (usage.model) {
      total.model = { provider: usage.model.provider, model: usage.model.model };
      fallbacks.push(...(usage.model.fallbacks ?? []));
    }
    if (total.timeToFirstTokenMs === undefined && usage.timeToFirstTokenMs !== undefined) total.timeToFirstTokenMs = usage.timeToFirstTokenMs;
  }
  if (cost !== undefined) total.cost = cost;
  if (total.model && fallbacks.length > 0) total.model.fallbacks = fallbacks;
  return total;
}
