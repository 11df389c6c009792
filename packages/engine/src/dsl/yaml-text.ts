import { parseDocument } from "yaml";
import type { ImportProblem } from "./import-problem.ts";

/** Larger files are refused before parsing: a workflow of 1000 nodes is far smaller. */
export const MAX_DSL_BYTES = 5_000_000;

export type YamlParse = { ok: true; value: unknown } | { ok: false; problems: ImportProblem[] };

/**
 * Parses YAML text into plain values, reporting every syntax error with its line and column.
 * Never throws. Aliases are capped so a "billion laughs" file cannot blow up memory.
 */
export function parseYamlText(text: string): YamlParse {
  if (typeof text !== "string") return { ok: false, problems: [{ path: [], message: "Expected the file's text.", severity: "error" }] };
  if (text.length > MAX_DSL_BYTES) {
    return { ok: false, problems: [{ path: [], message: `The file is too large (over ${MAX_DSL_BYTES / 1_000_000} MB).`, severity: "error" }] };
  }
  try {
    const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
    if (document.errors.length > 0) {
      return {
        ok: false,
        problems: document.errors.slice(0, 20).map((error) => {
          const at = error.linePos?.[0];
          const where = at ? ` (line ${at.line}, column ${at.col})` : "";
          return {
            path: [],
            message: `Invalid YAML${where}: ${firstLine(error.message)}`,
            severity: "error" as const,
            ...(at ? { line: at.line, column: at.col } : {}),
          };
        }),
      };
    }
    return { ok: true, value: document.toJS({ maxAliasCount: 100 }) as unknown };
  } catch (error) {
    return { ok: false, problems: [{ path: [], message: `Invalid YAML: ${error instanceof Error ? error.message : String(error)}`, severity: "error" }] };
  }
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
