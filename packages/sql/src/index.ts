export {};
export { SqlError, isSqlError, sqlErrorCodes, type SqlErrorCode, type SqlErrorDetails } from "./sql-error.ts";
export { familyOfType, sqlDialectSchema, columnFamilySchema, type SqlDialect, type ColumnFamily } from "./column-family.ts";
export {
  databaseSchemaSchema,
  schemaTableSchema,
  schemaColumnSchema,
  foreignKeySchema,
  businessTermSchema,
  tableKey,
  type DatabaseSchema,
  type SchemaTable,
  type SchemaColumn,
  type ForeignKey,
  type BusinessTerm,
} from "./introspection/database-schema.ts";
export { linkSchema, type LinkSchemaOptions, type LinkedSchema, type LinkedTable, type EmbedTexts } from "./linking/link-schema.ts";
export { createEmbeddingCache, type EmbeddingCache, type EmbeddingCacheOptions } from "./linking/embedding-cache.ts";
export {
  dataSourceConfigSchema,
  dataSourceCredentialsSchema,
  sourceLimitsSchema,
  sslOptionsSchema,
  httpApiAuthSchema,
  postgresSourceConfigSchema,
  mysqlSourceConfigSchema,
  sqliteSourceConfigSchema,
  httpApiSourceConfigSchema,
  type DataSourceConfig,
  type DataSourceConfigInput,
  type DataSourceCredentials,
  type DataSourceKind,
  type SourceLimits,
  type SslOptions,
  type HttpApiAuth,
  type PostgresSourceConfig,
  type MysqlSourceConfig,
  type SqliteSourceConfig,
  type HttpApiSourceConfig,
} from "./sources/data-source-config.ts";
export type { SqlConnector, QueryResult, ResultColumn, ExecuteOptions, ConnectionTestResult } from "./connectors/sql-connector.ts";
export { createConnector, type CreateConnectorInput } from "./connectors/create-connector.ts";
export { createPostgresConnector } from "./connectors/postgres-connector.ts";
export { createMysqlConnector } from "./connectors/mysql-connector.ts";
export { createSqliteConnector } from "./connectors/sqlite-connector.ts";
export { createHttpApiConnector, type HttpFetch, type HttpFetchResponse } from "./connectors/http-api-connector.ts";
export { normalizeValue, normalizeNumber, normalizeDate } from "./connectors/normalize-value.ts";
export { introspectSchema, type CatalogQuery, type IntrospectOptions } from "./introspection/introspect-schema.ts";
export { schemaAnnotationsSchema, applyAnnotations, type SchemaAnnotations, type SchemaAnnotationsInput } from "./introspection/schema-annotations.ts";
export { renderSchemaForPrompt, quoteIdentifier, type RenderSchemaOptions } from "./linking/render-schema-for-prompt.ts";
export { rankExamples, sqlExampleSchema, type SqlExample, type RankedExample, type RankExamplesOptions } from "./linking/rank-examples.ts";
export { guardSql, guardSqlOptionsSchema, DEFAULT_MAX_SQL_LENGTH, type GuardResult, type GuardSqlOptions } from "./guard/guard-sql.ts";
export { SQL_GUARD_REFUSAL_CODES, type SqlGuardRefusalCode } from "./guard/guard-failure.ts";
export { postgresReadOnlyStatements, mysqlReadOnlyStatements, detectMysqlFlavor, type ReadOnlySessionOptions, type MysqlFlavor } from "./guard/read-only-session.ts";
export { extractSql } from "./generation/extract-sql.ts";
export { buildSqlPrompt, type BuildSqlPromptInput, type SqlChatMessage, type PreviousAttempt } from "./generation/build-sql-prompt.ts";
export { suggestChart, type ChartSuggestion } from "./generation/suggest-chart.ts";
export { formatResultTable } from "./generation/format-result-table.ts";
export {
  answerQuestion,
  type AnswerQuestionInput,
  type AnswerQuestionResult,
  type SqlAttempt,
  type AttemptError,
  type SqlChat,
} from "./generation/generate-and-run.ts";
export { renderSqlTemplate, sqlLiteral, type SqlTemplateSegment, type RenderSqlTemplateResult } from "./templates/render-sql-template.ts";
