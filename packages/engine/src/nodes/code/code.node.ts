import { defineNode } from "../../runtime/node-implementation.ts";
import { checkCodeOutputs } from "./check-code-outputs.ts";
import { codeSchema } from "./code.schema.ts";

/** Runs the author's JavaScript in the engine's sandbox port and holds its result to the declared outputs. */
export const codeNode = defineNode(codeSchema, async (config, context) => {
  const inputs: Record<string, unknown> = {};
  // A missing variable arrives as null rather than disappearing from the inputs object in JSON.
  for (const input of config.inputs) inputs[input.name] = context.resolve(input.selector) ?? null;
  const returned = await context.services.sandbox.run(config.code, inputs, {
    timeoutMs: config.timeoutMs,
    memoryBytes: config.memoryMb * 1024 * 1024,
  });
  return { outputs: checkCodeOutputs(config.outputs, returned), inputs };
});
