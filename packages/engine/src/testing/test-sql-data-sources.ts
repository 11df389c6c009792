import { guardSql, SqlError, type DatabaseSchema, type QueryResult } from "@tandem/sql";
import type { SqlDataSources, SqlSourceDescription } from "../ports/sql-data-sources.ts";

/** A tiny SQLite-dialect schema: artists and their albums. */
export const testSqlSchema: DatabaseSchema = {
  version: 1,
  dialect: "sqlite",
  introspectedAt: "2026-01-01T00:00:00.000Z",
  tables: [
    {
      name: "Artist",
      kind: "table",
      columns: [
        { name: "ArtistId", type: "INTEGER", family: "number", nullable: false, primaryKey: true },
        { name: "Name", type: "TEXT", family: "string", nullable: true, primaryKey: false },
      ],
      primaryKey: ["ArtistId"],
      foreignKeys: [],
    },
    {
      name: "Album",
      kind: "table",
      columns: [
        { name: "AlbumId", type: "INTEGER", family: "number", nullable: false, primaryKey: true },
        { name: "Title", type: "TEXT", family: "string", nullable: false, primaryKey: false },
        { name: "ArtistId", type: "INTEGER", family: "number", nullable: false, primaryKey: false },
      ],
      primaryKey: ["AlbumId"],
      foreignKeys: [{ columns: ["ArtistId"], referencedTable: "Artist", referencedColumns: ["ArtistId"] }],
    },
  ],
};

export const TEST_SOURCE_ID = "5c0ffee0-0000-4000-8000-000000000001";

/**
 * A `SqlDataSources` for node tests: one source, guarded like the real ones (a refused statement never
 * "runs"), answering known statements with canned results and any other with a database error.
 */
export function createTestSqlDataSources(known: Record<string, Omit<QueryResult, "sql" | "elapsedMs">>, description: Partial<SqlSourceDescription> = {}): SqlDataSources & { executed: string[] } {
  const executed: string[] = [];
  return {
    executed,
    describe(id, options) {
      if (id !== TEST_SOURCE_ID) return Promise.reject(new SqlError("invalid_config", `No data source ${id} in this workspace.`));
      return Promise.resolve({ id, name: "Music", dialect: "sqlite", examples: [], ...(options.withSchema ? { schema: testSqlSchema } : {}), ...description });
    },
    execute(_id, sql, options) {
      const guarded = guardSql(sql, { dialect: "sqlite", maxRows: options.maxRows ?? 100 });
      if (!guarded.ok) return Promise.reject(new SqlError("guard_refused", guarded.message, { details: { guardCode: guarded.code } }));
      executed.push(guarded.sql);
      const answer = known[sql];
      if (answer === undefined) return Promise.reject(new SqlError("database_error", `no such column in: ${sql}`));
      return Promise.resolve({ ...answer, sql: guarded.sql, elapsedMs: 1 });
    },
  };
}
