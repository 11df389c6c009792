import { type ResultColumn } from "../connectors/sql-connector.ts";

export interface ChartSuggestion {
  type: "bar" | "line" | "pie" | "table";
  /** The column on the x axis (or the pie's labels). */
  x?: string;
  /** The numeric column plotted (or the pie's sizes). */
  y?: string;
}

const timeName = /(?:^|_|\b)(?:date|time|day|week|month|year|quarter|period|hour|created|updated)s?(?:$|_|\b)|(?:date|time|day|month|year|at)$/i;
const isoDate = /^\d{4}(?:-\d{2}(?:-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?)?)?$/;

function isTimeLike(column: ResultColumn, values: readonly unknown[]): boolean {
  if (column.type === "date") return true;
  const present = values.filter((value) => value !== null && value !== undefined);
  if (present.length === 0) return false;
  if (column.type === "string") return present.every((value) => typeof value === "string" && isoDate.test(value));
  // A number column named like a period (year 2021, month 1–12) is a time axis too.
  return column.type === "number" && timeName.test(column.name) && present.every((value) => typeof value === "number" && Number.isInteger(value));
}

/**
 * A chart for a result, from its shape alone (no model). The rules, in order:
 * 1. no rows, or no numeric column → `table`;
 * 2. a time-like column (dates, ISO date strings such as `2021-03`, or an integer column named like a
 *    period: `year`, `month`…) and a numeric column, with at least 2 rows → `line` over time;
 * 3. exactly one category column and one numeric column, 2 to 8 rows, no negative value → `pie`;
 * 4. a category (or any non-numeric) column and a numeric column, at most 50 rows → `bar`;
 * 5. anything else (one value, many rows, only numbers) → `table`.
 * The first time-like, then the first non-numeric, column is x; the first other numeric column is y.
 */
export function suggestChart(columns: readonly ResultColumn[], rows: readonly unknown[][]): ChartSuggestion {
  const table: ChartSuggestion = { type: "table" };
  if (rows.length === 0 || columns.length < 2) return table;
  const valuesOf = (index: number) => rows.map((row) => row[index]);
  const time = columns.findIndex((column, index) => isTimeLike(column, valuesOf(index)));
  const numeric = (skip: number) => columns.findIndex((column, index) => index !== skip && column.type === "number");
  if (time >= 0 && rows.length >= 2) {
    const y = numeric(time);
    const x = columns[time];
    const yColumn = columns[y];
    if (x !== undefined && yColumn !== undefined) return { type: "line", x: x.name, y: yColumn.name };
  }
  const category = columns.findIndex((column) => column.type !== "number");
  if (category < 0) return table;
  const y = numeric(category);
  const x = columns[category];
  const yColumn = columns[y];
  if (x === undefined || yColumn === undefined) return table;
  const yValues = valuesOf(y);
  if (columns.length === 2 && rows.length >= 2 && rows.length <= 8 && yValues.every((value) => typeof value === "number" && value >= 0)) {
    return { type: "pie", x: x.name, y: yColumn.name };
  }
  if (rows.length <= 50) return { type: "bar", x: x.name, y: yColumn.name };
  return table;
}
