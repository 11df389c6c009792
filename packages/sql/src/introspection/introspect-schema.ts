import { type SqlDialect } from "../column-family.ts";
import { introspectDefaults, type CatalogQuery, type IntrospectOptions } from "./catalog-query.ts";
import { type DatabaseSchema } from "./database-schema.ts";
import { introspectMysql } from "./introspect-mysql.ts";
import { introspectPostgres } from "./introspect-postgres.ts";
import { introspectSqlite } from "./introspect-sqlite.ts";
import { addRowCounts, addSampleValues } from "./row-counts-and-samples.ts";

export type { CatalogQuery, IntrospectOptions } from "./catalog-query.ts";

/**
 * Reads a database's schema through catalog statements in its dialect: tables (schema-qualified in
 * PostgreSQL, system schemas skipped), columns with declared types, families and nullability, primary
 * and foreign keys, comments, row counts (exact for small tables, the catalog's estimate for big ones)
 * and sample values of low-cardinality text columns. The same code serves direct connections and HTTP
 * SQL APIs: only `query` differs.
 */
export async function introspectSchema(dialect: SqlDialect, query: CatalogQuery, options: IntrospectOptions = {}): Promise<DatabaseSchema> {
  const read: { tables: DatabaseSchema["tables"]; estimates: Map<string, number>; database?: string } =
    dialect === "postgresql" ? await introspectPostgres(query, options) : dialect === "mysql" ? await introspectMysql(query, options) : await introspectSqlite(query, options);
  await addRowCounts(read.tables, read.estimates, query, dialect, options);
  if (options.sampleValues ?? introspectDefaults.sampleValues) await addSampleValues(read.tables, query, dialect, options);
  return {
    version: 1,
    dialect,
    ...(read.database === undefined ? {} : { database: read.database }),
    introspectedAt: new Date().toISOString(),
    tables: read.tables,
  };
}
