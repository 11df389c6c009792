import { familyOfType } from "../column-family.ts";
import { integer, requiredText, tableWanted, text, type CatalogQuery, type IntrospectOptions } from "./catalog-query.ts";
import { type SchemaTable } from "./database-schema.ts";

/**
 * MySQL and MariaDB tables of the connection's database (`DATABASE()`) from information_schema: column
 * types as declared (`COLUMN_TYPE`, so `tinyint(1)` and `decimal(10,2)` keep their precision), comments
 * (`TABLE_COMMENT`, `COLUMN_COMMENT`), primary and foreign keys from KEY_COLUMN_USAGE, and InnoDB's row
 * estimates. Tables are keyed by bare name: one database is one namespace.
 */
export async function introspectMysql(query: CatalogQuery, options: IntrospectOptions): Promise<{ tables: SchemaTable[]; estimates: Map<string, number>; database?: string }> {
  const relations = await query(
    "SELECT TABLE_NAME AS table_name, TABLE_TYPE AS table_type, TABLE_COMMENT AS table_comment, TABLE_ROWS AS estimate, DATABASE() AS database_name " +
      "FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
  );
  const columns = await query(
    "SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, COLUMN_TYPE AS data_type, IS_NULLABLE AS is_nullable, COLUMN_COMMENT AS column_comment " +
      "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION",
  );
  const keys = await query(
    "SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name, COLUMN_NAME AS column_name, REFERENCED_TABLE_NAME AS referenced_table, " +
      "REFERENCED_COLUMN_NAME AS referenced_column, REFERENCED_TABLE_SCHEMA AS referenced_schema FROM information_schema.KEY_COLUMN_USAGE " +
      "WHERE TABLE_SCHEMA = DATABASE() AND (CONSTRAINT_NAME = 'PRIMARY' OR REFERENCED_TABLE_NAME IS NOT NULL) ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
  );
  const tables = new Map<string, SchemaTable>();
  const estimates = new Map<string, number>();
  let database: string | undefined;
  for (const row of relations) {
    const name = requiredText(row, "table_name");
    database ??= text(row, "database_name");
    if (!tableWanted(options, undefined, name)) continue;
    const view = text(row, "table_type") === "VIEW";
    const comment = text(row, "table_comment");
    // MySQL puts "VIEW" in a view's comment, and an empty string where there is none.
    const useful = comment !== undefined && comment.trim() !== "" && !(view && comment === "VIEW") ? comment : undefined;
    tables.set(name, { name, kind: view ? "view" : "table", ...(useful === undefined ? {} : { comment: useful }), columns: [], primaryKey: [], foreignKeys: [] });
    const estimate = integer(row, "estimate");
    if (estimate !== undefined && estimate > 0 && !view) estimates.set(name, estimate);
  }
  for (const row of columns) {
    const table = tables.get(requiredText(row, "table_name"));
    if (table === undefined) continue;
    const type = requiredText(row, "data_type");
    const comment = text(row, "column_comment");
    table.columns.push({
      name: requiredText(row, "column_name"),
      type,
      family: familyOfType("mysql", type),
      nullable: text(row, "is_nullable") === "YES",
      primaryKey: false,
      ...(comment === undefined || comment.trim() === "" ? {} : { comment }),
    });
  }
  const foreignKeys = new Map<string, { table: SchemaTable; columns: string[]; referencedTable: string; referencedColumns: string[] }>();
  for (const row of keys) {
    const table = tables.get(requiredText(row, "table_name"));
    if (table === undefined) continue;
    const constraint = requiredText(row, "constraint_name");
    const column = requiredText(row, "column_name");
    if (constraint === "PRIMARY") {
      table.primaryKey.push(column);
      const found = table.columns.find((candidate) => candidate.name === column);
      if (found !== undefined) found.primaryKey = true;
      continue;
    }
    const referencedTable = text(row, "referenced_table");
    const referencedColumn = text(row, "referenced_column");
    if (referencedTable === undefined || referencedColumn === undefined) continue;
    const id = `${table.name}\u0000${constraint}`;
    const entry = foreignKeys.get(id) ?? { table, columns: [], referencedTable, referencedColumns: [] };
    entry.columns.push(column);
    entry.referencedColumns.push(referencedColumn);
    foreignKeys.set(id, entry);
  }
  for (const { table, columns: fkColumns, referencedTable, referencedColumns } of foreignKeys.values()) {
    table.foreignKeys.push({ columns: fkColumns, referencedTable, referencedColumns });
  }
  return { tables: [...tables.values()], estimates, ...(database === undefined ? {} : { database }) };
}
