import { z } from "zod";
import { defineNodeSchema } from "../../schema/node-schema.ts";
import { templateText } from "../../schema/value-reference.ts";
import { sqlResultOutputDeclarations } from "../shared/sql-result-declarations.ts";

export const sqlQueryConfigSchema = z.object({
  dataSourceId: z.string().uuid("pick a data source (its id is a UUID)"),
  /**
   * One read-only SELECT. `{{#node.output#}}` references become quoted SQL literals, never SQL text:
   * write them bare where a value goes (`WHERE Name = {{#start.name#}}`, `IN ({{#start.ids#}})`), not
   * inside quotes.
   */
  sql: templateText({ maxLength: 100_000 }).refine((text) => text.trim() !== "", "write the SQL to run"),
  /** Rows returned at most; the data source's row cap wins if lower. */
  maxRows: z.number().int().min(1).max(10_000).default(100),
});
export type SqlQueryConfig = z.infer<typeof sqlQueryConfigSchema>;

export const sqlQuerySchema = defineNodeSchema({
  type: "sql-query",
  version: 1,
  title: "SQL Query",
  description: "Run a read-only SQL query on a data source, with upstream values inserted as safely quoted literals.",
  category: "data",
  config: sqlQueryConfigSchema,
  outputs: () => [...sqlResultOutputDeclarations],
  pure: false,
});
