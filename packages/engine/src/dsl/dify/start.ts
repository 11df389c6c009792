import { startSchema, type StartInputType } from "../../nodes/start/start.schema.ts";
import { asList, asRecord, asText, type NodeConverter } from "./converter.ts";

/** Dify's start input types and Tandem's; file-list has no Tandem equivalent yet. */
const INPUT_TYPES: Record<string, StartInputType> = {
  "text-input": "text",
  paragraph: "paragraph",
  number: "number",
  select: "select",
  checkbox: "boolean",
  json: "json",
  json_object: "json",
  file: "file",
};

export const convertStart: NodeConverter = (data, context) => {
  const variables: Array<Record<string, unknown>> = [];
  asList(data.variables).forEach((item, index) => {
    const input = asRecord(item);
    const name = asText(input.variable);
    const difyType = asText(input.type, "text-input");
    const type = INPUT_TYPES[difyType];
    if (!type) {
      const why = difyType === "file-list" ? "file-list inputs are not supported yet (use a single file input)" : `input type "${difyType}" is not supported`;
      context.report(["variables", index, "type"], `Start input "${name}": ${why}; the input was not imported.`);
      return;
    }
    const variable: Record<string, unknown> = { name, label: asText(input.label), type, required: input.required === true };
    if (input.default !== undefined && input.default !== null && input.default !== "") variable.default = input.default;
    if (type === "select") variable.options = asList(input.options).map((option) => asText(option));
    const maxLength = input.max_length;
    if ((type === "text" || type === "paragraph") && typeof maxLength === "number" && maxLength >= 1) variable.maxLength = maxLength;
    variables.push(variable);
  });
  return { type: "start", version: startSchema.version, config: { variables } };
};
