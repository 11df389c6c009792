import { z } from "zod";
import { businessTermSchema, tableKey, type DatabaseSchema } from "./database-schema.ts";

/**
 * What the user adds to an introspected schema: descriptions of tables and columns, and the business
 * terms of their domain. Stored apart from the introspection cache (a refresh must not lose them), merged
 * into the schema for linking and prompts by `applyAnnotations`. Tables are keyed by `tableKey` (or by
 * bare name, which matches a table in any schema).
 */
export const schemaAnnotationsSchema = z.object({
  tables: z
    .record(
      z.string(),
      z.object({
        description: z.string().optional(),
        columns: z.record(z.string(), z.string()).optional(),
      }),
    )
    .default({}),
  businessTerms: z.array(businessTermSchema).default([]),
});
export type SchemaAnnotations = z.infer<typeof schemaAnnotationsSchema>;
export type SchemaAnnotationsInput = z.input<typeof schemaAnnotationsSchema>;

/**
 * The schema with the user's descriptions and business terms in it (a new object; the input is not
 * changed). Annotations naming a table or column that no longer exists are ignored, so a schema refresh
 * after a column was dropped never fails.
 */
export function applyAnnotations(schema: DatabaseSchema, annotations: SchemaAnnotationsInput): DatabaseSchema {
  const parsed = schemaAnnotationsSchema.parse(annotations);
  const lowered = new Map(Object.entries(parsed.tables).map(([key, value]) => [key.toLowerCase(), value] as const));
  return {
    ...schema,
    tables: schema.tables.map((table) => {
      const note = lowered.get(tableKey(table).toLowerCase()) ?? lowered.get(table.name.toLowerCase());
      if (note === undefined) return table;
      const columnNotes = new Map(Object.entries(note.columns ?? {}).map(([name, text]) => [name.toLowerCase(), text] as const));
      return {
        ...table,
        ...(note.description === undefined ? {} : { description: note.description }),
        columns: table.columns.map((column) => {
          const description = columnNotes.get(column.name.toLowerCase());
          return description === undefined ? column : { ...column, description };
        }),
      };
    }),
    businessTerms: [...(schema.businessTerms ?? []), ...parsed.businessTerms],
  };
}
