import { familyOfType } from "../column-family.ts";
import { flag, integer, requiredText, sqlLiteral, stringList, tableWanted, text, type CatalogQuery, type IntrospectOptions } from "./catalog-query.ts";
import { tableKey, type SchemaTable } from "./database-schema.ts";

const relationKinds = "('r', 'p', 'v', 'm', 'f')";

function schemaFilter(alias: string, options: IntrospectOptions): string {
  if (options.schemas !== undefined && options.schemas.length > 0) {
    return `${alias}.nspname IN (${options.schemas.map((schema) => sqlLiteral(schema, "postgresql")).join(", ")})`;
  }
  return `${alias}.nspname NOT IN ('pg_catalog', 'information_schema') AND ${alias}.nspname NOT LIKE 'pg\\_toast%' AND ${alias}.nspname NOT LIKE 'pg\\_temp%'`;
}

/**
 * PostgreSQL tables, views and their columns from pg_catalog (information_schema has no comments and is
 * slow on big catalogs): declared types as `format_type` spells them, comments from `obj_description` and
 * `col_description`, primary and foreign keys with their column order, and the planner's row estimates.
 * Partitions are skipped (their parent stands for them); tables the user cannot SELECT are skipped too.
 * The statements stay within what the SQL guard's parser reads (`= ANY` and `array_position` rather than
 * `unnest … WITH ORDINALITY`), because an HTTP SQL API sends them through the guard.
 */
export async function introspectPostgres(query: CatalogQuery, options: IntrospectOptions): Promise<{ tables: SchemaTable[]; estimates: Map<string, number>; database?: string }> {
  const [relations, columns, constraints, current] = [
    await query(
      `SELECT n.nspname AS table_schema, c.relname AS table_name, c.relkind AS relation_kind, obj_description(c.oid, 'pg_class') AS table_comment, c.reltuples AS estimate ` +
        `FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ` +
        `WHERE c.relkind IN ${relationKinds} AND NOT c.relispartition AND has_table_privilege(c.oid, 'SELECT') AND ${schemaFilter("n", options)} ORDER BY 1, 2`,
    ),
    await query(
      `SELECT n.nspname AS table_schema, c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS data_type, ` +
        `a.attnotnull AS not_null, col_description(c.oid, a.attnum) AS column_comment, a.attnum AS position ` +
        `FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ` +
        `WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ${relationKinds} AND NOT c.relispartition AND ${schemaFilter("n", options)} ORDER BY 1, 2, a.attnum`,
    ),
    await query(
      `SELECT con.contype AS constraint_type, n.nspname AS table_schema, c.relname AS table_name, con.conname AS constraint_name, ` +
        `array_to_json(ARRAY(SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = con.conrelid AND a.attnum = ANY(con.conkey) ORDER BY array_position(con.conkey, a.attnum))) AS column_names, ` +
        `rn.nspname AS referenced_schema, rc.relname AS referenced_table, ` +
        `array_to_json(ARRAY(SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = con.confrelid AND a.attnum = ANY(con.confkey) ORDER BY array_position(con.confkey, a.attnum))) AS referenced_columns ` +
        `FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class c ON c.oid = con.conrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ` +
        `LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace ` +
        `WHERE con.contype IN ('p', 'f') AND ${schemaFilter("n", options)} ORDER BY 2, 3, 4`,
    ),
    await query("SELECT current_database() AS database_name"),
  ];
  const tables = new Map<string, SchemaTable>();
  const estimates = new Map<string, number>();
  for (const row of relations) {
    const schema = requiredText(row, "table_schema");
    const name = requiredText(row, "table_name");
    if (!tableWanted(options, schema, name)) continue;
    const relationKind = text(row, "relation_kind");
    const comment = text(row, "table_comment");
    const table: SchemaTable = {
      schema,
      name,
      kind: relationKind === "v" || relationKind === "m" ? "view" : "table",
      ...(comment === undefined ? {} : { comment }),
      columns: [],
      primaryKey: [],
      foreignKeys: [],
    };
    tables.set(tableKey(table), table);
    const estimate = integer(row, "estimate");
    // reltuples is -1 (PostgreSQL 14+) or 0 for a table never analysed: no estimate, count it.
    if (estimate !== undefined && estimate > 0) estimates.set(tableKey(table), estimate);
  }
  for (const row of columns) {
    const table = tables.get(`${requiredText(row, "table_schema")}.${requiredText(row, "table_name")}`);
    if (table === undefined) continue;
    const type = requiredText(row, "data_type");
    const comment = text(row, "column_comment");
    table.columns.push({
      name: requiredText(row, "column_name"),
      type,
      family: familyOfType("postgresql", type),
      nullable: !flag(row, "not_null"),
      primaryKey: false,
      ...(comment === undefined ? {} : { comment }),
    });
  }
  for (const row of constraints) {
    const table = tables.get(`${requiredText(row, "table_schema")}.${requiredText(row, "table_name")}`);
    if (table === undefined) continue;
    const names = stringList(row, "column_names");
    if (text(row, "constraint_type") === "p") {
      table.primaryKey = names;
      for (const column of table.columns) if (names.includes(column.name)) column.primaryKey = true;
    } else {
      const referencedTable = text(row, "referenced_table");
      const referencedColumns = stringList(row, "referenced_columns");
      if (referencedTable === undefined || names.length === 0 || referencedColumns.length === 0) continue;
      table.foreignKeys.push({ columns: names, referencedTable: `${text(row, "referenced_schema") ?? "public"}.${referencedTable}`, referencedColumns });
    }
  }
  const database = current[0] === undefined ? undefined : text(current[0], "database_name");
  return { tables: [...tables.values()], estimates, ...(database === undefined ? {} : { database }) };
}
