import { familyOfType } from "../column-family.ts";
import { flag, integer, requiredText, tableWanted, text, type CatalogQuery, type IntrospectOptions } from "./catalog-query.ts";
import { type SchemaTable } from "./database-schema.ts";

/**
 * SQLite tables and views from sqlite_master joined with the `pragma_table_info` and
 * `pragma_foreign_key_list` table functions (so it is three statements, whatever the number of tables,
 * and works through an HTTP SQL API too). A foreign key that names no parent columns refers to the
 * parent's primary key, as SQLite defines it. SQLite keeps no comments and no row estimates.
 */
export async function introspectSqlite(query: CatalogQuery, options: IntrospectOptions): Promise<{ tables: SchemaTable[]; estimates: Map<string, number> }> {
  const relations = await query("SELECT name AS table_name, type AS table_type FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
  const columns = await query(
    "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, p.\"notnull\" AS not_null, p.pk AS pk_position " +
      "FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p WHERE m.type IN ('table', 'view') ORDER BY m.name, p.cid",
  );
  const keys = await query(
    "SELECT m.name AS table_name, f.id AS key_id, f.seq AS key_position, f.\"table\" AS referenced_table, f.\"from\" AS column_name, f.\"to\" AS referenced_column " +
      "FROM sqlite_master AS m JOIN pragma_foreign_key_list(m.name) AS f WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq",
  );
  const tables = new Map<string, SchemaTable>();
  for (const row of relations) {
    const name = requiredText(row, "table_name");
    if (!tableWanted(options, undefined, name)) continue;
    tables.set(name, { name, kind: text(row, "table_type") === "view" ? "view" : "table", columns: [], primaryKey: [], foreignKeys: [] });
  }
  const primaryPositions = new Map<string, Array<{ column: string; position: number }>>();
  for (const row of columns) {
    const table = tables.get(requiredText(row, "table_name"));
    if (table === undefined) continue;
    const name = requiredText(row, "column_name");
    const type = text(row, "data_type") ?? "";
    const position = integer(row, "pk_position") ?? 0;
    table.columns.push({ name, type, family: familyOfType("sqlite", type), nullable: !flag(row, "not_null") && position === 0, primaryKey: position > 0 });
    if (position > 0) primaryPositions.set(table.name, [...(primaryPositions.get(table.name) ?? []), { column: name, position }]);
  }
  for (const [name, positions] of primaryPositions) {
    const table = tables.get(name);
    if (table !== undefined) table.primaryKey = positions.sort((left, right) => left.position - right.position).map((entry) => entry.column);
  }
  const foreignKeys = new Map<string, { table: SchemaTable; columns: string[]; referencedTable: string; referencedColumns: Array<string | undefined> }>();
  for (const row of keys) {
    const table = tables.get(requiredText(row, "table_name"));
    const referencedTable = text(row, "referenced_table");
    if (table === undefined || referencedTable === undefined) continue;
    const id = `${table.name}\u0000${integer(row, "key_id") ?? 0}`;
    const entry = foreignKeys.get(id) ?? { table, columns: [], referencedTable, referencedColumns: [] };
    entry.columns.push(requiredText(row, "column_name"));
    entry.referencedColumns.push(text(row, "referenced_column"));
    foreignKeys.set(id, entry);
  }
  for (const entry of foreignKeys.values()) {
    // SQLite compares table names case-insensitively; use the parent's own spelling.
    const parent = [...tables.values()].find((candidate) => candidate.name.toLowerCase() === entry.referencedTable.toLowerCase());
    const named = entry.referencedColumns.filter((column): column is string => column !== undefined);
    const referencedColumns = named.length === entry.referencedColumns.length ? named : (parent?.primaryKey ?? []);
    if (referencedColumns.length !== entry.columns.length) continue;
    entry.table.foreignKeys.push({ columns: entry.columns, referencedTable: parent?.name ?? entry.referencedTable, referencedColumns });
  }
  return { tables: [...tables.values()], estimates: new Map() };
}
