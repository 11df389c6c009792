import { renderSqlTemplate } from "@tandem/sql";
import { defineNode } from "../../runtime/node-implementation.ts";
import { splitTemplate } from "../../schema/value-reference.ts";
import { requireSqlService, sqlResultOutputs } from "../shared/sql-result-outputs.ts";
import { sqlQuerySchema } from "./sql-query.schema.ts";

/**
 * Runs the node's SQL template on a data source. References are resolved to values and written as
 * literals of the source's dialect by `renderSqlTemplate`, which refuses a reference inside quotes, a
 * comment or glued to a word (so a value can never be read as SQL); the statement then goes through the
 * source's guarded connector like any other (read-only, one statement, row cap, timeout).
 */
export const sqlQueryNode = defineNode(sqlQuerySchema, async (config, context) => {
  const sql = requireSqlService(context.services.sql, "SQL Query");
  const source = await sql.describe(config.dataSourceId, { withSchema: false, signal: context.signal });
  const segments = splitTemplate(config.sql).map((part) => ("text" in part ? { sql: part.text } : { name: part.selector.join("."), value: context.resolve(part.selector) }));
  const rendered = renderSqlTemplate(segments, source.dialect);
  if (!rendered.ok) throw new Error(rendered.message);
  const result = await sql.execute(config.dataSourceId, rendered.sql, { maxRows: config.maxRows, signal: context.signal });
  return { outputs: sqlResultOutputs(result), inputs: { dataSource: source.name, sql: rendered.sql } };
});
