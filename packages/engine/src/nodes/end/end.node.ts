import { defineNode } from "../../runtime/node-implementation.ts";
import { endSchema } from "./end.schema.ts";

export const endNode = defineNode(endSchema, (config, context) => {
  const outputs: Record<string, unknown> = {};
  for (const output of config.outputs) outputs[output.name] = context.resolve(output.selector) ?? null;
  return { outputs };
});
