import { z } from "zod";
import { defineNodeSchema } from "../../schema/node-schema.ts";
import { selector } from "../../schema/value-reference.ts";

export const templateConfigSchema = z.object({
  /** Named inputs the template can use, each taken from an upstream output. */
  variables: z
    .array(
      z.object({
        name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "use letters, digits and '_', not starting with a digit"),
        selector: selector(),
      }),
    )
    .max(100)
    .default([]),
  /** Jinja2 syntax: `{{ name }}`, `{% for x in items %}`, filters. */
  template: z.string().max(200_000),
});

export const templateSchema = defineNodeSchema({
  type: "template",
  version: 1,
  title: "Template",
  description: "Render text from upstream values with Jinja2 syntax.",
  category: "transform",
  config: templateConfigSchema,
  outputs: () => [{ name: "output", type: "string" }],
  pure: true,
  check: (config) => {
    const seen = new Set<string>();
    return config.variables.flatMap((variable, index) => {
      if (seen.has(variable.name)) return [{ path: ["variables", index, "name"], message: `"${variable.name}" is defined twice` }];
      seen.add(variable.name);
      return [];
    });
  },
});
