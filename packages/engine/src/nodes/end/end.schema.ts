import { z } from "zod";
import { defineNodeSchema } from "../../schema/node-schema.ts";
import { selector } from "../../schema/value-reference.ts";

export const endConfigSchema = z.object({
  /** The run's outputs, each taken from an upstream value. */
  outputs: z
    .array(
      z.object({
        name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "use letters, digits and '_', not starting with a digit").max(64),
        selector: selector(),
      }),
    )
    .max(100)
    .default([]),
});

export const endSchema = defineNodeSchema({
  type: "end",
  version: 1,
  title: "End",
  description: "The run's outputs.",
  category: "io",
  config: endConfigSchema,
  outputs: (config) => config.outputs.map((output) => ({ name: output.name, type: "any" as const })),
  pure: true,
  kinds: ["workflow"],
  check: (config) => {
    const seen = new Set<string>();
    return config.outputs.flatMap((output, index) => {
      if (seen.has(output.name)) return [{ path: ["outputs", index, "name"], message: `"${output.name}" is defined twice` }];
      seen.add(output.name);
      return [];
    });
  },
});
