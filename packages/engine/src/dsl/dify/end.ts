import { endSchema } from "../../nodes/end/end.schema.ts";
import { asList, asRecord, asSelector, asText, type NodeConverter } from "./converter.ts";

export const convertEnd: NodeConverter = (data) => ({
  type: "end",
  version: endSchema.version,
  config: {
    outputs: asList(data.outputs).map((item) => {
      const output = asRecord(item);
      return { name: asText(output.variable), selector: asSelector(output.value_selector) };
    }),
  },
});
