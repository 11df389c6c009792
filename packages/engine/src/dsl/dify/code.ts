import { CODE_OUTPUT_TYPES, codeSchema } from "../../nodes/code/code.schema.ts";
import { asRecord, asText, namedSelectors, type NodeConverter } from "./converter.ts";

/** Dify output types Tandem's code node declares differently. */
const OUTPUT_TYPE_ALIASES: Record<string, string> = { "array[boolean]": "array[any]" };

/**
 * Dify's code node. Only JavaScript runs in Tandem; Python nodes keep their code and language so the
 * author can rewrite them (validation flags the language until then).
 */
export const convertCode: NodeConverter = (data, context) => {
  const language = asText(data.code_language, "javascript");
  if (language === "python3") context.report(["code_language"], "Python code nodes are not supported: rewrite it in JavaScript.");
  else if (language !== "javascript") context.report(["code_language"], `Code language "${language}" is not supported: rewrite it in JavaScript.`);

  const outputs = Object.entries(asRecord(data.outputs)).map(([name, declaration]) => {
    const declared = asText(asRecord(declaration).type);
    const type = OUTPUT_TYPE_ALIASES[declared] ?? declared;
    if (type !== declared) context.report(["outputs", name, "type"], `Output "${name}" is declared as ${type} (was ${declared}).`, "warning");
    else if (!(CODE_OUTPUT_TYPES as readonly string[]).includes(type)) {
      context.report(["outputs", name, "type"], `Output type "${declared}" is not supported in code nodes; use one of ${CODE_OUTPUT_TYPES.join(", ")}.`);
    }
    return { name, type };
  });
  return {
    type: "code",
    version: codeSchema.version,
    config: { language, code: asText(data.code), inputs: namedSelectors(data.variables), outputs },
  };
};
