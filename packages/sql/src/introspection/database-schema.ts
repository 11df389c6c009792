import { z } from "zod";
import { columnFamilySchema, sqlDialectSchema } from "../column-family.ts";

/** A business term the user defined for a source: used to link questions and shown in prompts. */
export const businessTermSchema = z.object({
  term: z.string().min(1),
  meaning: z.string().min(1),
  /** An SQL expression or condition that implements the term, e.g. `invoice.total > 10`. */
  sql: z.string().optional(),
});
export type BusinessTerm = z.infer<typeof businessTermSchema>;

export const schemaColumnSchema = z.object({
  name: z.string(),
  /** The declared database type, as the catalog spells it. */
  type: z.string(),
  family: columnFamilySchema,
  nullable: z.boolean(),
  primaryKey: z.boolean(),
  /** The comment stored in the database (PostgreSQL `COMMENT ON COLUMN`, MySQL `COLUMN_COMMENT`). */
  comment: z.string().optional(),
  /** The user's annotation, merged in by `applyAnnotations`. */
  description: z.string().optional(),
  /** Distinct values of a low-cardinality text column, each capped in length. */
  sampleValues: z.array(z.string()).optional(),
});
export type SchemaColumn = z.infer<typeof schemaColumnSchema>;

export const foreignKeySchema = z.object({
  columns: z.array(z.string()).min(1),
  /** The referenced table's key, as `tableKey` builds it (schema-qualified where the dialect has schemas). */
  referencedTable: z.string(),
  referencedColumns: z.array(z.string()).min(1),
});
export type ForeignKey = z.infer<typeof foreignKeySchema>;

export const schemaTableSchema = z.object({
  /** The schema (PostgreSQL) the table lives in; absent for MySQL (one database) and SQLite. */
  schema: z.string().optional(),
  name: z.string(),
  kind: z.enum(["table", "view"]),
  comment: z.string().optional(),
  description: z.string().optional(),
  rowCount: z.number().int().nonnegative().optional(),
  /** False when `rowCount` is the catalog's estimate (big tables), true when it was counted. */
  rowCountExact: z.boolean().optional(),
  columns: z.array(schemaColumnSchema),
  primaryKey: z.array(z.string()),
  foreignKeys: z.array(foreignKeySchema),
});
export type SchemaTable = z.infer<typeof schemaTableSchema>;

/**
 * What introspection produces and the linker and prompts consume. It is plain JSON so that the runner can
 * cache it in a JSON column and parse it back with this schema.
 */
export const databaseSchemaSchema = z.object({
  version: z.literal(1),
  dialect: sqlDialectSchema,
  database: z.string().optional(),
  introspectedAt: z.string(),
  tables: z.array(schemaTableSchema),
  businessTerms: z.array(businessTermSchema).optional(),
});
export type DatabaseSchema = z.infer<typeof databaseSchemaSchema>;

/** A table's key: `schema.name` where the table has a schema, its name otherwise. */
export function tableKey(table: { schema?: string | undefined; name: string }): string {
  return table.schema === undefined ? table.name : `${table.schema}.${table.name}`;
}
