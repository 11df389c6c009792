import { defineNode } from "../../runtime/node-implementation.ts";
import { renderTemplate } from "../../templating/jinja.ts";
import { templateSchema } from "./template.schema.ts";

export const templateNode = defineNode(templateSchema, (config, context) => {
  const variables: Record<string, unknown> = {};
  for (const variable of config.variables) variables[variable.name] = context.resolve(variable.selector);
  return { outputs: { output: renderTemplate(config.template, variables) }, inputs: variables };
});
