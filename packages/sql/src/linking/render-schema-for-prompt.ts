import { type SqlDialect } from "../column-family.ts";
import { tableKey, type DatabaseSchema, type SchemaColumn, type SchemaTable } from "../introspection/database-schema.ts";
import { type LinkedSchema } from "./link-schema.ts";

export interface RenderSchemaOptions {
  /** Sample values shown per column. Default 6. */
  maxSampleValues?: number;
  /** Longest sample value shown, in characters. Default 40. */
  maxValueLength?: number;
  /** Show row counts on the table line. Default true. */
  rowCounts?: boolean;
}

const plainIdentifier: Record<SqlDialect, RegExp> = {
  // PostgreSQL folds unquoted names to lower case, so a mixed-case name must be quoted to be found.
  postgresql: /^[a-z_][a-z0-9_$]*$/,
  mysql: /^[A-Za-z_][A-Za-z0-9_$]*$/,
  sqlite: /^[A-Za-z_][A-Za-z0-9_]*$/,
};

/** An identifier as the dialect needs it written in SQL. */
export function quoteIdentifier(name: string, dialect: SqlDialect): string {
  if (plainIdentifier[dialect].test(name)) return name;
  return dialect === "mysql" ? `\`${name.replaceAll("`", "``")}\`` : `"${name.replaceAll('"', '""')}"`;
}

function qualified(table: SchemaTable, dialect: SqlDialect): string {
  const name = quoteIdentifier(table.name, dialect);
  return table.schema === undefined || table.schema === "public" ? name : `${quoteIdentifier(table.schema, dialect)}.${name}`;
}

function referenceName(key: string, schema: DatabaseSchema, dialect: SqlDialect): string {
  const target = schema.tables.find((table) => tableKey(table) === key);
  return target === undefined ? key : qualified(target, dialect);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function columnNote(column: SchemaColumn, options: Required<RenderSchemaOptions>): string {
  const notes: string[] = [];
  for (const text of [column.description, column.comment]) if (text !== undefined && text.trim() !== "" && !notes.includes(oneLine(text))) notes.push(oneLine(text));
  const values = column.sampleValues ?? [];
  if (values.length > 0) {
    const shown = values.slice(0, options.maxSampleValues).map((value) => `'${oneLine(value).slice(0, options.maxValueLength).replaceAll("'", "''")}'`);
    notes.push(`values: ${shown.join(", ")}${values.length > options.maxSampleValues ? ", ..." : ""}`);
  }
  return notes.length === 0 ? "" : ` -- ${notes.join("; ")}`;
}

/**
 * Compact CREATE TABLE text for a prompt: column types, keys, the comments and the user's descriptions,
 * sample values of low-cardinality columns, row counts, and the business terms, with nothing else, so
 * that a small model gets a small prompt. Takes a linked schema (what `linkSchema` kept) or a whole one.
 */
export function renderSchemaForPrompt(input: LinkedSchema | DatabaseSchema, dialect?: SqlDialect, options: RenderSchemaOptions = {}): string {
  const schema = "version" in input ? input : input.schema;
  const target = dialect ?? schema.dialect;
  const settings: Required<RenderSchemaOptions> = { maxSampleValues: options.maxSampleValues ?? 6, maxValueLength: options.maxValueLength ?? 40, rowCounts: options.rowCounts ?? true };
  const blocks: string[] = [];
  for (const table of schema.tables) {
    const header: string[] = [];
    for (const text of [table.description, table.comment]) if (text !== undefined && text.trim() !== "" && !header.includes(oneLine(text))) header.push(oneLine(text));
    if (settings.rowCounts && table.rowCount !== undefined) header.push(`${table.rowCountExact === false ? "about " : ""}${table.rowCount} rows`);
    blocks.push(renderTable(table, target, schema, header, settings));
  }
  const terms = (schema.businessTerms ?? []).map((term) => `-- "${oneLine(term.term)}": ${oneLine(term.meaning)}${term.sql === undefined ? "" : ` (SQL: ${oneLine(term.sql)})`}`);
  return [...(terms.length > 0 ? ["-- Business terms", ...terms, ""] : []), ...blocks].join("\n");
}

function renderTable(table: SchemaTable, dialect: SqlDialect, schema: DatabaseSchema, header: string[], options: Required<RenderSchemaOptions>): string {
  const singleKey = table.primaryKey.length === 1 ? table.primaryKey[0] : undefined;
  const entries: Array<{ text: string; note: string }> = table.columns.map((column) => {
    const reference = table.foreignKeys.find((foreignKey) => foreignKey.columns.length === 1 && foreignKey.columns[0] === column.name);
    let text = `  ${quoteIdentifier(column.name, dialect)} ${column.type}`;
    if (column.name === singleKey) text += " PRIMARY KEY";
    else if (!column.nullable) text += " NOT NULL";
    if (reference !== undefined) {
      text += ` REFERENCES ${referenceName(reference.referencedTable, schema, dialect)}(${reference.referencedColumns.map((name) => quoteIdentifier(name, dialect)).join(", ")})`;
    }
    return { text, note: columnNote(column, options) };
  });
  if (table.primaryKey.length > 1) entries.push({ text: `  PRIMARY KEY (${table.primaryKey.map((name) => quoteIdentifier(name, dialect)).join(", ")})`, note: "" });
  for (const foreignKey of table.foreignKeys) {
    if (foreignKey.columns.length === 1) continue;
    const columns = foreignKey.columns.map((name) => quoteIdentifier(name, dialect)).join(", ");
    const referenced = foreignKey.referencedColumns.map((name) => quoteIdentifier(name, dialect)).join(", ");
    entries.push({ text: `  FOREIGN KEY (${columns}) REFERENCES ${referenceName(foreignKey.referencedTable, schema, dialect)}(${referenced})`, note: "" });
  }
  const body = entries.map((entry, index) => `${entry.text}${index < entries.length - 1 ? "," : ""}${entry.note}`);
  const title = `CREATE TABLE ${qualified(table, dialect)} (${header.length > 0 ? ` -- ${header.join("; ")}` : ""}`;
  return [title, ...body, ");"].join("\n");
}
