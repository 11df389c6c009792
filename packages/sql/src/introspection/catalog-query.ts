import { type SqlDialect } from "../column-family.ts";

/**
 * Runs one catalog statement written by Tandem (never by a user) and returns its rows as records keyed
 * by column name. Direct connectors run it in a read-only transaction; an HTTP SQL API sends it to the
 * endpoint through the guard like any other statement.
 */
export type CatalogQuery = (sql: string) => Promise<Array<Record<string, unknown>>>;

export interface IntrospectOptions {
  /** PostgreSQL schemas to read; default every schema except the system ones. */
  schemas?: string[];
  /** Only these tables (bare names or `schema.name`); default all. */
  tables?: string[];
  /** Read sample values of low-cardinality text columns. Default true. */
  sampleValues?: boolean;
  /** A text column is low-cardinality with at most this many distinct values in its first rows. Default 20. */
  maxDistinctValues?: number;
  /** How many first rows of a table the distinct values are taken from. Default 1,000. */
  sampleRows?: number;
  /** Sample values are cut to this many characters. Default 60. */
  maxValueLength?: number;
  /** Tables the catalog estimates below this size are counted exactly; bigger ones keep the estimate. Default 100,000. */
  exactCountBelow?: number;
}

export const introspectDefaults = {
  sampleValues: true,
  maxDistinctValues: 20,
  sampleRows: 1_000,
  maxValueLength: 60,
  exactCountBelow: 100_000,
} as const;

/** A field of a catalog row, whatever the case the remote used for its name (`TABLE_NAME`, `table_name`). */
export function field(row: Record<string, unknown>, name: string): unknown {
  if (name in row) return row[name];
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(row)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

export function text(row: Record<string, unknown>, name: string): string | undefined {
  const value = field(row, name);
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") return value;
  return typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" ? String(value) : JSON.stringify(value);
}

export function requiredText(row: Record<string, unknown>, name: string): string {
  const value = text(row, name);
  if (value === undefined) throw new Error(`the catalog row has no ${name}: ${JSON.stringify(row)}`);
  return value;
}

export function integer(row: Record<string, unknown>, name: string): number | undefined {
  const value = field(row, name);
  if (value === null || value === undefined || value === "") return undefined;
  const parsed = typeof value === "number" ? value : Number(value);
  return Number.isFinite(parsed) ? Math.trunc(parsed) : undefined;
}

export function flag(row: Record<string, unknown>, name: string): boolean {
  const value = field(row, name);
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  return typeof value === "string" && /^(t|true|1|yes)$/i.test(value);
}

/** A list the catalog returned as a JSON array, or as its text (an HTTP API may not parse it). */
export function stringList(row: Record<string, unknown>, name: string): string[] {
  let value = field(row, name);
  if (typeof value === "string") {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return [];
    }
  }
  return Array.isArray(value) ? value.map((item) => String(item as string)) : [];
}

/** A string literal for a catalog statement (MySQL also escapes backslashes, its default mode needs it). */
export function sqlLiteral(value: string, dialect: SqlDialect): string {
  const escaped = value.replaceAll("'", "''");
  return `'${dialect === "mysql" ? escaped.replaceAll("\\", "\\\\") : escaped}'`;
}

/** An identifier, always quoted, for statements over names Tandem did not choose. */
export function quoteName(name: string, dialect: SqlDialect): string {
  return dialect === "mysql" ? `\`${name.replaceAll("`", "``")}\`` : `"${name.replaceAll('"', '""')}"`;
}

/** Whether a table was asked for by `options.tables` (bare name or `schema.name`, case-insensitive). */
export function tableWanted(options: IntrospectOptions, schema: string | undefined, name: string): boolean {
  if (options.tables === undefined) return true;
  const wanted = new Set(options.tables.map((table) => table.toLowerCase()));
  return wanted.has(name.toLowerCase()) || (schema !== undefined && wanted.has(`${schema}.${name}`.toLowerCase()));
}
