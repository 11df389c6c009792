import type { SqlDataSources } from "@tandem/engine";
import { checkSqlitePath } from "./check-sqlite-path.ts";
import { dataSourceConfigSchema, schemaAnnotationsSchema } from "@tandem/sql";
import { introspectDataSource, listVerifiedExamples, loadDataSourceRow, type DataSourceDependencies } from "./manage-data-sources.ts";

/**
 * The engine's `sql` port for one workspace: sources are looked up in that workspace only, statements
 * run on the shared, cached connector of the source (its guard, limits and concurrency cap), and the
 * schema comes from the cache (introspected on first use).
 */
export function createSqlDataSources(dependencies: DataSourceDependencies, workspaceId: string): SqlDataSources {
  return {
    async describe(dataSourceId, options) {
      const row = await loadDataSourceRow(dependencies, workspaceId, dataSourceId);
      const config = dataSourceConfigSchema.parse(row.config);
      const annotations = schemaAnnotationsSchema.safeParse(row.annotations);
      const examples = options.withSchema ? await listVerifiedExamples(dependencies, workspaceId, row.id) : [];
      return {
        id: row.id,
        name: row.name,
        dialect: config.kind === "http_api" ? config.dialect : config.kind,
        ...(options.withSchema ? { schema: await introspectDataSource(dependencies, workspaceId, row.id) } : {}),
        ...(annotations.success ? { annotations: annotations.data } : {}),
        examples: examples.map((example) => ({ question: example.question, sql: example.sql })),
      };
    },
    async execute(dataSourceId, sql, options) {
      const row = await loadDataSourceRow(dependencies, workspaceId, dataSourceId);
      // Checked again here: a source saved before its folder was removed from TANDEM_SQLITE_ROOTS stays closed.
      await checkSqlitePath(dataSourceConfigSchema.parse(row.config), dependencies.sqliteRoots);
      const connector = dependencies.connectors.get(row, await dependencies.allowedHosts(workspaceId));
      return connector.execute(sql, { ...(options.maxRows === undefined ? {} : { maxRows: options.maxRows }), signal: options.signal });
    },
  };
}
