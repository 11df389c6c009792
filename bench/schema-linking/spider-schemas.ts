import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import Database from "better-sqlite3";
import { z } from "zod";
import { type ColumnFamily, type DatabaseSchema, type SchemaTable } from "@tandem/sql";

/** One database of Spider's `tables.json`: parallel arrays indexed by table and column position. */
const spiderDatabaseSchema = z.object({
  db_id: z.string(),
  table_names_original: z.array(z.string()),
  column_names_original: z.array(z.tuple([z.number().int(), z.string()])),
  column_types: z.array(z.string()),
  primary_keys: z.array(z.union([z.number().int(), z.array(z.number().int())])),
  foreign_keys: z.array(z.tuple([z.number().int(), z.number().int()])),
});

/** One question of `dev_gold_schema_items.json`: the tables and `table.column`s its gold SQL uses. */
export const goldItemSchema = z.object({
  db_id: z.string(),
  question: z.string(),
  gold_tables: z.array(z.string()),
  gold_columns: z.array(z.string()),
});
export type GoldItem = z.infer<typeof goldItemSchema>;

const spiderFamily: Record<string, ColumnFamily> = { text: "string", number: "number", time: "date", boolean: "boolean", others: "string" };

/** Builds Tandem's `DatabaseSchema` from a Spider schema entry alone (no database access). */
function toDatabaseSchema(entry: z.infer<typeof spiderDatabaseSchema>): DatabaseSchema {
  const primary = new Set(entry.primary_keys.flat());
  const tables: SchemaTable[] = entry.table_names_original.map((name) => ({ name, kind: "table", columns: [], primaryKey: [], foreignKeys: [] }));
  entry.column_names_original.forEach(([tableIndex, name], index) => {
    const table = tables[tableIndex];
    if (table === undefined) return;
    const type = entry.column_types[index] ?? "text";
    table.columns.push({ name, type, family: spiderFamily[type] ?? "string", nullable: true, primaryKey: primary.has(index) });
    if (primary.has(index)) table.primaryKey.push(name);
  });
  for (const [from, to] of entry.foreign_keys) {
    const [fromTable, fromColumn] = entry.column_names_original[from] ?? [-1, ""];
    const [toTable, toColumn] = entry.column_names_original[to] ?? [-1, ""];
    const source = tables[fromTable];
    const target = tables[toTable];
    if (source === undefined || target === undefined) continue;
    source.foreignKeys.push({ columns: [fromColumn], referencedTable: target.name, referencedColumns: [toColumn] });
  }
  return { version: 1, dialect: "sqlite", database: entry.db_id, introspectedAt: new Date(0).toISOString(), tables };
}

/**
 * Sample values as introspection takes them (text columns with at most 20 distinct values among the first
 * 1,000 rows, each cut to 60 characters), read from Spider's SQLite file when it exists.
 */
function addSampleValues(schema: DatabaseSchema, file: string): void {
  const database = new Database(file, { readonly: true, fileMustExist: true });
  try {
    for (const table of schema.tables) {
      for (const column of table.columns) {
        if (column.family !== "string") continue;
        const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
        try {
          const rows = database
            .prepare(`SELECT DISTINCT v FROM (SELECT ${quote(column.name)} AS v FROM ${quote(table.name)} LIMIT 1000) WHERE v IS NOT NULL LIMIT 21`)
            .raw()
            .all() as unknown[][]; // raw() rows are arrays of column values.
          const values = rows.map((row) => row[0]).filter((value): value is string => typeof value === "string" && value.trim() !== "");
          if (rows.length <= 20 && values.length > 0) column.sampleValues = values.map((value) => value.slice(0, 60));
        } catch {
          // A few Spider files disagree with tables.json about a name; such a column simply has no samples.
        }
      }
    }
  } finally {
    database.close();
  }
}

export async function readSpiderSchemas(tablesFile: string, options: { databaseDir?: string } = {}): Promise<Map<string, DatabaseSchema>> {
  const entries = z.array(spiderDatabaseSchema).parse(JSON.parse(await readFile(tablesFile, "utf8")));
  const schemas = new Map<string, DatabaseSchema>();
  for (const entry of entries) {
    const schema = toDatabaseSchema(entry);
    const file = options.databaseDir === undefined ? undefined : path.join(options.databaseDir, entry.db_id, `${entry.db_id}.sqlite`);
    if (file !== undefined && existsSync(file)) addSampleValues(schema, file);
    schemas.set(entry.db_id, schema);
  }
  return schemas;
}

export async function readGoldItems(file: string): Promise<GoldItem[]> {
  return z.array(goldItemSchema).parse(JSON.parse(await readFile(file, "utf8")));
}
