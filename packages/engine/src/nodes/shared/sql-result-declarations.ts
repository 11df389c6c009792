import type { OutputDeclaration } from "../../schema/node-schema.ts";

/** The outputs both SQL nodes share, declared once (browser-safe: node schemas import this, not @tandem/sql). */
export const sqlResultOutputDeclarations: OutputDeclaration[] = [
  { name: "sql", type: "string", description: "The statement as it ran (after the guard, which may have added a LIMIT)." },
  { name: "columns", type: "array[object]", description: "The result's columns: { name, type } (type: string, number, boolean, date, json, binary, null)." },
  { name: "rows", type: "array[object]", description: "The rows, one object per row keyed by column name (a repeated name gets _2, _3…)." },
  { name: "row_count", type: "number", description: "How many rows came back." },
  { name: "truncated", type: "boolean", description: "True when the result had more rows than the cap and the rest were cut." },
  { name: "text", type: "string", description: "The result as a Markdown table (first 20 rows), for prompts and answers." },
];
