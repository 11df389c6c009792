import type { DatabaseSchema, QueryResult, SchemaAnnotations, SqlDialect } from "@tandem/sql";

/** What the Text2SQL node needs to know about a data source to write SQL for it. */
export interface SqlSourceDescription {
  id: string;
  name: string;
  dialect: SqlDialect;
  /** The introspected schema (cached by the runner); present when asked for with `withSchema`. */
  schema?: DatabaseSchema;
  /** The user's descriptions and business terms, merged into the schema by the Text2SQL loop. */
  annotations?: SchemaAnnotations;
  /** Verified question → SQL pairs of this source (the few-shot memory). */
  examples: Array<{ question: string; sql: string }>;
}

/**
 * The workspace's SQL data sources. The runner builds one per workspace, so a node can only reach that
 * workspace's sources; an id from elsewhere is reported as not found. Statements run through the
 * source's guarded connector (read-only, one statement, row cap, timeout, concurrency cap): the engine
 * never holds a database connection. Errors are `SqlError`s (`isSqlError`) with codes.
 */
export interface SqlDataSources {
  describe(dataSourceId: string, options: { withSchema: boolean; signal: AbortSignal }): Promise<SqlSourceDescription>;
  execute(dataSourceId: string, sql: string, options: { maxRows?: number; signal: AbortSignal }): Promise<QueryResult>;
}
