import { templateSchema } from "../../nodes/template/template.schema.ts";
import { asText, namedSelectors, type NodeConverter } from "./converter.ts";

/** Dify's Jinja2 template transform is Tandem's template node, field for field. */
export const convertTemplateTransform: NodeConverter = (data) => ({
  type: "template",
  version: templateSchema.version,
  config: { variables: namedSelectors(data.variables), template: asText(data.template) },
});
