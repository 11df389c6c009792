import { defineNode } from "../../runtime/node-implementation.ts";
import { typeOfValue } from "../../schema/value-types.ts";
import { iterationSchema } from "./iteration.schema.ts";

const SKIP = Symbol("skip");

export const iterationNode = defineNode(iterationSchema, async (config, context) => {
  const resolved = context.resolve(config.items);
  if (!Array.isArray(resolved)) {
    throw new Error(`Iteration expects a list at ${config.items.join(".")} but got ${resolved === undefined ? "nothing" : typeOfValue(resolved)}.`);
  }
  const items: unknown[] = resolved;
  const [outputNodeId, outputName, ...outputPath] = config.output;
  const results: unknown[] = new Array<unknown>(items.length);
  let next = 0;

  async function runItem(index: number): Promise<void> {
    try {
      const { outputs } = await context.runSubgraph({
        scope: { item: items[index], index },
        iterationIndex: index,
      });
      let value: unknown = outputNodeId && outputName ? outputs[outputNodeId]?.[outputName] : undefined;
      for (const part of outputPath) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
      results[index] = value ?? null;
    } catch (error) {
      if (config.errorMode === "terminate" || context.signal.aborted) {
        throw new Error(`Item ${index} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      results[index] = config.errorMode === "continue" ? null : SKIP;
    }
  }

  let failed = false;
  async function worker(): Promise<void> {
    while (next < items.length && !failed) {
      const index = next;
      next += 1;
      await runItem(index).catch((error: unknown) => {
        // Stop the other workers from starting new items, then report the first failure.
        failed = true;
        throw error;
      });
    }
  }

  await Promise.all(Array.from({ length: Math.min(config.parallelism, items.length) }, () => worker()));
  return { outputs: { output: results.filter((value) => value !== SKIP) }, inputs: { items: items.length } };
});
