import { defineNode } from "../../runtime/node-implementation.ts";
import { startSchema } from "./start.schema.ts";
import { validateRunInputs } from "./validate-run-inputs.ts";

export const startNode = defineNode(startSchema, (config, context) => {
  const raw = context.resolve(["sys", "inputs"]);
  const inputs = raw !== null && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const result = validateRunInputs(config.variables, inputs);
  if (!result.ok) throw new Error(`Invalid inputs: ${result.problems.map((problem) => problem.message).join("; ")}.`);
  return { outputs: result.values, inputs };
});
