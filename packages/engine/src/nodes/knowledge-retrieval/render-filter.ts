import { metadataFilterSchema, type MetadataFilter } from "@tandem/knowledge/retrieval";
import { templateReferences, valueToText, type ValueSelector } from "../../schema/value-reference.ts";
import type { RetrievalFilterConfig } from "./knowledge-retrieval.schema.ts";

type Scalar = string | number | boolean;

const WHOLE_REFERENCE = /^\s*\{\{#[\w-]+(?:\.[\w-]+)+#\}\}\s*$/;

/**
 * The filter with its `{{#node.output#}}` templates rendered, checked against the knowledge package's
 * schema (a rendered value may have become too long). A value that is exactly one reference keeps the
 * referenced value's type when it is a number or boolean (`year gte {{#start.year#}}` compares numbers),
 * as Dify does; any other text is rendered as text, a missing value as "". No conditions: no filter.
 */
export function renderFilter(
  filter: RetrievalFilterConfig | undefined,
  resolve: (selector: ValueSelector) => unknown,
  render: (text: string) => string,
): MetadataFilter | undefined {
  if (!filter || filter.conditions.length === 0) return undefined;
  const renderValue = (value: Scalar): Scalar => {
    if (typeof value !== "string") return value;
    const [only] = templateReferences(value);
    if (only && WHOLE_REFERENCE.test(value)) {
      const resolved = resolve(only);
      if (typeof resolved === "number" || typeof resolved === "boolean") return resolved;
      return valueToText(resolved);
    }
    return render(value);
  };
  const rendered = {
    logic: filter.logic,
    conditions: filter.conditions.map((condition) => {
      const { value } = condition;
      if (value === undefined) return { field: condition.field, operator: condition.operator };
      return { field: condition.field, operator: condition.operator, value: Array.isArray(value) ? value.map(renderValue) : renderValue(value) };
    }),
  };
  const parsed = metadataFilterSchema.safeParse(rendered);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`The metadata filter is invalid once its variables are filled in (${issue?.path.join(".") ?? "filter"}: ${issue?.message ?? "invalid"}).`);
  }
  return parsed.data;
}
