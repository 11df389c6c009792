import { type SqlDialect } from "../column-family.ts";
import { quoteName, sqlLiteral, text, integer, type CatalogQuery, type IntrospectOptions, introspectDefaults } from "./catalog-query.ts";
import { tableKey, type SchemaTable } from "./database-schema.ts";

/** Runs `work` over `items` with at most `limit` at once, in order of start. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      if (item !== undefined) await work(item);
    }
  });
  await Promise.all(lanes);
}

function qualifiedName(table: SchemaTable, dialect: SqlDialect): string {
  return table.schema === undefined ? quoteName(table.name, dialect) : `${quoteName(table.schema, dialect)}.${quoteName(table.name, dialect)}`;
}

/**
 * Row counts: tables the catalog estimates as small (or cannot estimate) are counted, up to the
 * threshold, in batches of UNION ALL statements; bigger ones keep the estimate and say so. Views are not
 * counted (that would run their query).
 */
export async function addRowCounts(tables: SchemaTable[], estimates: ReadonlyMap<string, number>, query: CatalogQuery, dialect: SqlDialect, options: IntrospectOptions): Promise<void> {
  const cap = options.exactCountBelow ?? introspectDefaults.exactCountBelow;
  const toCount: SchemaTable[] = [];
  for (const table of tables) {
    if (table.kind !== "table") continue;
    const estimate = estimates.get(tableKey(table));
    if (estimate !== undefined && estimate >= cap) {
      table.rowCount = Math.round(estimate);
      table.rowCountExact = false;
    } else toCount.push(table);
  }
  const batches: SchemaTable[][] = [];
  for (let start = 0; start < toCount.length; start += 25) batches.push(toCount.slice(start, start + 25));
  const byKey = new Map(toCount.map((table) => [tableKey(table), table] as const));
  await forEachLimited(batches, 2, async (batch) => {
    const statement = batch
      .map((table) => `SELECT ${sqlLiteral(tableKey(table), dialect)} AS table_key, count(*) AS row_count FROM (SELECT 1 AS one FROM ${qualifiedName(table, dialect)} LIMIT ${cap}) AS counted`)
      .join(" UNION ALL ");
    for (const row of await query(statement)) {
      const table = byKey.get(text(row, "table_key") ?? "");
      const count = integer(row, "row_count");
      if (table === undefined || count === undefined) continue;
      const estimate = estimates.get(tableKey(table));
      table.rowCount = count >= cap && estimate !== undefined && estimate > count ? Math.round(estimate) : count;
      table.rowCountExact = count < cap;
    }
  });
}

/**
 * Sample values of low-cardinality text columns: the distinct values among a table's first rows, kept
 * when there are at most `maxDistinctValues` of them. One statement per table; a table whose statement
 * fails (an exotic type, a permission) simply gets no samples.
 */
export async function addSampleValues(tables: SchemaTable[], query: CatalogQuery, dialect: SqlDialect, options: IntrospectOptions): Promise<void> {
  const maxDistinct = options.maxDistinctValues ?? introspectDefaults.maxDistinctValues;
  const sampleRows = options.sampleRows ?? introspectDefaults.sampleRows;
  const maxLength = options.maxValueLength ?? introspectDefaults.maxValueLength;
  const sampled = tables.filter((table) => table.kind === "table" && table.columns.some((column) => column.family === "string"));
  await forEachLimited(sampled, 2, async (table) => {
    const columns = table.columns.filter((column) => column.family === "string");
    const statement = columns
      .map((column) => {
        const value = dialect === "postgresql" ? `${quoteName(column.name, dialect)}::text` : quoteName(column.name, dialect);
        return (
          `SELECT ${sqlLiteral(column.name, dialect)} AS column_name, v AS sample_value FROM (SELECT DISTINCT v FROM ` +
          `(SELECT ${value} AS v FROM ${qualifiedName(table, dialect)} LIMIT ${sampleRows}) AS first_rows WHERE v IS NOT NULL LIMIT ${maxDistinct + 1}) AS distinct_values`
        );
      })
      .join(" UNION ALL ");
    let rows: Array<Record<string, unknown>>;
    try {
      rows = await query(statement);
    } catch {
      return;
    }
    const values = new Map<string, string[]>();
    for (const row of rows) {
      const name = text(row, "column_name");
      const value = text(row, "sample_value");
      if (name === undefined || value === undefined) continue;
      const list = values.get(name) ?? [];
      list.push(value);
      values.set(name, list);
    }
    for (const column of columns) {
      const list = values.get(column.name);
      if (list === undefined || list.length > maxDistinct) continue;
      const cut = [...new Set(list.map((value) => value.slice(0, maxLength)).filter((value) => value.trim() !== ""))].sort();
      if (cut.length > 0) column.sampleValues = cut;
    }
  });
}
