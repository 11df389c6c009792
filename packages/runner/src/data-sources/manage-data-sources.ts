import { Prisma, toJsonInput, type PrismaClient, type SecretBox } from "@tandem/db";
import {
  databaseSchemaSchema,
  dataSourceConfigSchema,
  dataSourceCredentialsSchema,
  guardSql,
  schemaAnnotationsSchema,
  type ConnectionTestResult,
  type DatabaseSchema,
  type DataSourceConfig,
  type DataSourceKind,
  type SchemaAnnotations,
} from "@tandem/sql";
import { z } from "zod";
import { connectorForSettings, type ConnectorCache, type DataSourceRow } from "./connector-cache.ts";
import { checkSqlitePath } from "./check-sqlite-path.ts";
import { DataSourceError } from "./data-source-error.ts";

export interface DataSourceDependencies {
  prisma: PrismaClient;
  secrets: SecretBox;
  connectors: ConnectorCache;
  /** The workspace's allowed outbound hosts (for HTTP SQL APIs on private addresses). */
  allowedHosts(workspaceId: string): Promise<string[]>;
  /** Folders SQLite data sources may point into. */
  sqliteRoots: readonly string[];
}

/** What callers see of a data source: never its credentials, only whether it has some. */
export interface DataSourceView {
  id: string;
  name: string;
  kind: DataSourceKind;
  config: DataSourceConfig;
  hasCredentials: boolean;
  annotations: SchemaAnnotations;
  schemaCachedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const dataSourceInputSchema = z.object({
  name: z.string().trim().min(1, "name the data source").max(200),
  config: dataSourceConfigSchema,
  credentials: dataSourceCredentialsSchema.optional(),
});
export type DataSourceInput = z.input<typeof dataSourceInputSchema>;

/** `credentials: null` removes them; left out, they stay as they are. */
export const dataSourcePatchSchema = z.object({
  name: dataSourceInputSchema.shape.name.optional(),
  config: dataSourceConfigSchema.optional(),
  credentials: dataSourceCredentialsSchema.nullable().optional(),
});
export type DataSourcePatch = z.input<typeof dataSourcePatchSchema>;

export const verifiedExampleInputSchema = z.object({
  question: z.string().trim().min(1, "the example needs a question").max(2_000),
  sql: z.string().trim().min(1, "the example needs SQL").max(20_000),
  origin: z.enum(["feedback", "manual"]).default("manual"),
});
export type VerifiedExampleInput = z.input<typeof verifiedExampleInputSchema>;

export interface VerifiedExample {
  id: string;
  question: string;
  sql: string;
  origin: string;
  createdAt: Date;
}

function parseInput<T extends z.ZodTypeAny>(schema: T, input: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new DataSourceError("invalid_input", `The ${what} is invalid: ${parsed.error.issues.map((issue) => `${issue.path.join(".") || what}: ${issue.message}`).join("; ")}.`);
  }
  return parsed.data as z.infer<T>; // safeParse's data is the schema's output type.
}

function toView(row: { id: string; name: string; config: unknown; credentialsEncrypted: string | null; annotations: unknown; schemaCachedAt: Date | null; createdAt: Date; updatedAt: Date }): DataSourceView {
  const config = dataSourceConfigSchema.parse(row.config);
  const annotations = schemaAnnotationsSchema.safeParse(row.annotations);
  return {
    id: row.id,
    name: row.name,
    kind: config.kind,
    config,
    hasCredentials: row.credentialsEncrypted !== null,
    annotations: annotations.success ? annotations.data : schemaAnnotationsSchema.parse({}),
    schemaCachedAt: row.schemaCachedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Limits are in the config; the columns mirror them so they can be read without parsing it. */
function limitColumns(config: DataSourceConfig) {
  return { statementTimeoutMs: config.limits.statementTimeoutMs, rowCap: config.limits.rowCap, concurrencyCap: config.limits.concurrencyCap };
}

function nameTaken(error: unknown, name: string): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw new DataSourceError("name_taken", `A data source named "${name}" already exists in this workspace; choose another name.`);
  }
  throw error;
}

export async function loadDataSourceRow(dependencies: DataSourceDependencies, workspaceId: string, dataSourceId: string) {
  const row = z.string().uuid().safeParse(dataSourceId).success ? await dependencies.prisma.dataSource.findFirst({ where: { id: dataSourceId, workspaceId } }) : null;
  if (row === null) throw new DataSourceError("not_found", `No data source ${dataSourceId} in this workspace.`);
  return row;
}

export async function createDataSource(dependencies: DataSourceDependencies, workspaceId: string, input: DataSourceInput): Promise<DataSourceView> {
  const parsed = parseInput(dataSourceInputSchema, input, "data source");
  await checkSqlitePath(parsed.config, dependencies.sqliteRoots);
  const row = await dependencies.prisma.dataSource
    .create({
      data: {
        workspaceId,
        name: parsed.name,
        kind: parsed.config.kind,
        config: toJsonInput(parsed.config),
        credentialsEncrypted: parsed.credentials === undefined ? null : dependencies.secrets.seal(JSON.stringify(parsed.credentials)),
        ...limitColumns(parsed.config),
      },
    })
    .catch((error: unknown) => nameTaken(error, parsed.name));
  return toView(row);
}

export async function updateDataSource(dependencies: DataSourceDependencies, workspaceId: string, dataSourceId: string, patch: DataSourcePatch): Promise<DataSourceView> {
  const parsed = parseInput(dataSourcePatchSchema, patch, "data source change");
  if (parsed.config !== undefined) await checkSqlitePath(parsed.config, dependencies.sqliteRoots);
  const existing = await loadDataSourceRow(dependencies, workspaceId, dataSourceId);
  const credentials = parsed.credentials === undefined ? {} : { credentialsEncrypted: parsed.credentials === null ? null : dependencies.secrets.seal(JSON.stringify(parsed.credentials)) };
  // A different database (or endpoint) has a different schema: the cache goes with the old config.
  const schemaReset = parsed.config !== undefined && JSON.stringify(parsed.config) !== JSON.stringify(dataSourceConfigSchema.parse(existing.config)) ? { schemaCache: Prisma.DbNull, schemaCachedAt: null } : {};
  const row = await dependencies.prisma.dataSource
    .update({
      where: { id: existing.id },
      data: {
        ...(parsed.name === undefined ? {} : { name: parsed.name }),
        ...(parsed.config === undefined ? {} : { kind: parsed.config.kind, config: toJsonInput(parsed.config), ...limitColumns(parsed.config) }),
        ...credentials,
        ...schemaReset,
      },
    })
    .catch((error: unknown) => nameTaken(error, parsed.name ?? existing.name));
  await dependencies.connectors.evict(existing.id);
  return toView(row);
}

export async function deleteDataSource(dependencies: DataSourceDependencies, workspaceId: string, dataSourceId: string): Promise<void> {
  const existing = await loadDataSourceRow(dependencies, workspaceId, dataSourceId);
  await dependencies.prisma.dataSource.delete({ where: { id: existing.id } });
  await dependencies.connectors.evict(existing.id);
}

export async function getDataSource(dependencies: DataSourceDependencies, workspaceId: string, dataSourceId: string): Promise<DataSourceView> {
  return toView(await loadDataSourceRow(dependencies, workspaceId, dataSourceId));
}

export async function listDataSources(dependencies: DataSourceDependencies, workspaceId: string): Promise<DataSourceView[]> {
  const rows = await dependencies.prisma.dataSource.findMany({ where: { workspaceId }, orderBy: { name: "asc" } });
  return rows.map(toView);
}

/**
 * Tests a saved source, or settings not saved yet (`{ config, credentials }`, as a form would send them
 * before saving). Never throws for a connection problem: the result says what failed.
 */
export async function testDataSourceConnection(
  dependencies: DataSourceDependencies,
  workspaceId: string,
  target: string | { config: unknown; credentials?: unknown },
): Promise<ConnectionTestResult> {
  const allowedHosts = await dependencies.allowedHosts(workspaceId);
  if (typeof target === "string") {
    const row = await loadDataSourceRow(dependencies, workspaceId, target);
    return dependencies.connectors.get(row, allowedHosts).testConnection();
  }
  const parsed = parseInput(dataSourceInputSchema.omit({ name: true }), target, "data source");
  await checkSqlitePath(parsed.config, dependencies.sqliteRoots);
  const connector = connectorForSettings(parsed.config, parsed.credentials, allowedHosts);
  try {
    return await connector.testConnection();
  } finally {
    await connector.close();
  }
}

/** The cached schema, introspected first when there is none or `refresh` is asked for. */
export async function introspectDataSource(dependencies: DataSourceDependencies, workspaceId: string, dataSourceId: string, options: { refresh?: boolean } = {}): Promise<DatabaseSchema> {
  const row = await loadDataSourceRow(dependencies, workspaceId, dataSourceId);
  if (options.refresh !== true && row.schemaCache !== null) {
    const cached = databaseSchemaSchema.safeParse(row.schemaCache);
    if (cached.success) return cached.data;
  }
  const schema = await dependencies.connectors.get(row, await dependencies.allowedHosts(workspaceId)).introspect();
  // updateMany, not update: the row keeps its updatedAt-bound connector (a schema refresh changes no setting).
  await dependencies.prisma.$executeRaw`UPDATE data_sources SET schema_cache = ${JSON.stringify(schema)}::jsonb, schema_cached_at = now() WHERE id = ${row.id}::uuid`;
  return schema;
}

export async function setDataSourceAnnotations(dependencies: DataSourceDependencies, workspaceId: string, dataSourceId: string, annotations: unknown): Promise<SchemaAnnotations> {
  const parsed = parseInput(schemaAnnotationsSchema, annotations, "annotations");
  const row = await loadDataSourceRow(dependencies, workspaceId, dataSourceId);
  await dependencies.prisma.$executeRaw`UPDATE data_sources SET annotations = ${JSON.stringify(parsed)}::jsonb WHERE id = ${row.id}::uuid`;
  return parsed;
}

/**
 * Saves a verified question → SQL pair (a thumbs-up on a result, or one added by hand). The SQL must
 * pass the guard for the source's dialect, so the few-shot memory never teaches a refused statement.
 * Saving the same question again replaces its SQL.
 */
export async function saveVerifiedExample(dependencies: DataSourceDependencies, workspaceId: string, dataSourceId: string, input: VerifiedExampleInput): Promise<VerifiedExample> {
  const parsed = parseInput(verifiedExampleInputSchema, input, "example");
  const row = await loadDataSourceRow(dependencies, workspaceId, dataSourceId);
  const config = dataSourceConfigSchema.parse(row.config);
  const dialect = config.kind === "http_api" ? config.dialect : config.kind;
  const guarded = guardSql(parsed.sql, { dialect, maxRows: config.limits.rowCap });
  if (!guarded.ok) throw new DataSourceError("invalid_input", `The example's SQL would be refused: ${guarded.message}`);
  const saved = await dependencies.prisma.sqlExample.upsert({
    where: { dataSourceId_question: { dataSourceId: row.id, question: parsed.question } },
    create: { workspaceId, dataSourceId: row.id, question: parsed.question, sql: parsed.sql, origin: parsed.origin },
    update: { sql: parsed.sql, origin: parsed.origin },
  });
  return { id: saved.id, question: saved.question, sql: saved.sql, origin: saved.origin, createdAt: saved.createdAt };
}

export async function listVerifiedExamples(dependencies: DataSourceDependencies, workspaceId: string, dataSourceId: string): Promise<VerifiedExample[]> {
  const row = await loadDataSourceRow(dependencies, workspaceId, dataSourceId);
  const rows = await dependencies.prisma.sqlExample.findMany({ where: { dataSourceId: row.id }, orderBy: { createdAt: "asc" } });
  return rows.map((example) => ({ id: example.id, question: example.question, sql: example.sql, origin: example.origin, createdAt: example.createdAt }));
}

export async function deleteVerifiedExample(dependencies: DataSourceDependencies, workspaceId: string, exampleId: string): Promise<void> {
  const deleted = z.string().uuid().safeParse(exampleId).success ? await dependencies.prisma.sqlExample.deleteMany({ where: { id: exampleId, workspaceId } }) : { count: 0 };
  if (deleted.count === 0) throw new DataSourceError("not_found", `No example ${exampleId} in this workspace.`);
}

export type { DataSourceRow };
