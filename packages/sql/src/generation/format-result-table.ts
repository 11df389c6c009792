import { type ResultColumn } from "../connectors/sql-connector.ts";

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/**
 * A result as a Markdown table, for prompts and chat answers: at most `maxRows` rows, and a last line
 * saying how many were left out (or that the result itself was cut at the row cap).
 */
export function formatResultTable(columns: readonly ResultColumn[], rows: readonly unknown[][], options: { maxRows?: number; truncated?: boolean } = {}): string {
  if (columns.length === 0) return "(no columns)";
  const maxRows = options.maxRows ?? 20;
  const lines = [`| ${columns.map((column) => cell(column.name)).join(" | ")} |`, `| ${columns.map(() => "---").join(" | ")} |`];
  for (const row of rows.slice(0, maxRows)) lines.push(`| ${columns.map((_column, index) => cell(row[index])).join(" | ")} |`);
  if (rows.length === 0) lines.push("(no rows)");
  else if (rows.length > maxRows) lines.push(`(${rows.length - maxRows} more rows not shown${options.truncated === true ? "; the result was cut at the row cap" : ""})`);
  else if (options.truncated === true) lines.push("(the result was cut at the row cap)");
  return lines.join("\n");
}
