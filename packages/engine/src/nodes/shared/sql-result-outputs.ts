import { formatResultTable, type QueryResult } from "@tandem/sql";

/** Column names made unique, so rows can be objects: `id`, `id_2`. */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name}_${count}`;
  });
}

export function sqlResultOutputs(result: Pick<QueryResult, "sql" | "columns" | "rows" | "truncated">): Record<string, unknown> {
  const names = uniqueNames(result.columns.map((column) => column.name));
  return {
    sql: result.sql,
    columns: result.columns.map((column, index) => ({ name: names[index] ?? column.name, type: column.type })),
    rows: result.rows.map((row) => Object.fromEntries(names.map((name, index) => [name, row[index] ?? null]))),
    row_count: result.rows.length,
    truncated: result.truncated,
    text: formatResultTable(result.columns, result.rows, { maxRows: 20, truncated: result.truncated }),
  };
}

export function requireSqlService<T>(service: T | undefined, node: string): T {
  if (service === undefined) {
    throw new Error(`${node} is not available in this run: no SQL data-source service was set up (data sources live in a Tandem workspace).`);
  }
  return service;
}
