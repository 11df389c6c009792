import type { PrismaClient, SecretBox } from "@tandem/db";
import { workspaceEngineSettingsSchema } from "../runs/engine-services.ts";
import type { ConnectorCache } from "./connector-cache.ts";
import {
  createDataSource,
  deleteDataSource,
  deleteVerifiedExample,
  getDataSource,
  introspectDataSource,
  listDataSources,
  listVerifiedExamples,
  saveVerifiedExample,
  setDataSourceAnnotations,
  testDataSourceConnection,
  updateDataSource,
  type DataSourceDependencies,
} from "./manage-data-sources.ts";

type Tail<F> = F extends (dependencies: DataSourceDependencies, ...rest: infer R) => infer T ? (...rest: R) => T : never;

/**
 * SQL data sources as one object for the web app's routes and the CLI: every function takes the
 * workspace id first and never reaches another workspace's rows. Credentials are sealed at rest and
 * never returned (views say `hasCredentials`).
 */
export interface DataSourceService {
  createDataSource: Tail<typeof createDataSource>;
  updateDataSource: Tail<typeof updateDataSource>;
  deleteDataSource: Tail<typeof deleteDataSource>;
  getDataSource: Tail<typeof getDataSource>;
  listDataSources: Tail<typeof listDataSources>;
  testConnection: Tail<typeof testDataSourceConnection>;
  /** The cached schema; `{ refresh: true }` introspects again. */
  introspect: Tail<typeof introspectDataSource>;
  setAnnotations: Tail<typeof setDataSourceAnnotations>;
  /** A thumbs-up on a result, or an example added by hand: the few-shot memory of the source. */
  saveVerifiedExample: Tail<typeof saveVerifiedExample>;
  listVerifiedExamples: Tail<typeof listVerifiedExamples>;
  deleteVerifiedExample: Tail<typeof deleteVerifiedExample>;
}

/** The dependencies the service and the engine's `sql` port share (one connector cache per process). */
export function createDataSourceDependencies(options: { prisma: PrismaClient; secrets: SecretBox; connectors: ConnectorCache; sqliteRoots: readonly string[] }): DataSourceDependencies {
  return {
    ...options,
    async allowedHosts(workspaceId) {
      const workspace = await options.prisma.workspace.findUnique({ where: { id: workspaceId }, select: { settings: true } });
      const parsed = workspaceEngineSettingsSchema.safeParse(workspace?.settings ?? {});
      return parsed.success ? parsed.data.allowedHosts : [];
    },
  };
}

export function createDataSourceService(dependencies: DataSourceDependencies): DataSourceService {
  const bind =
    <R extends unknown[], T>(operation: (dependencies: DataSourceDependencies, ...rest: R) => T) =>
    (...rest: R): T =>
      operation(dependencies, ...rest);
  return {
    createDataSource: bind(createDataSource),
    updateDataSource: bind(updateDataSource),
    deleteDataSource: bind(deleteDataSource),
    getDataSource: bind(getDataSource),
    listDataSources: bind(listDataSources),
    testConnection: bind(testDataSourceConnection),
    introspect: bind(introspectDataSource),
    setAnnotations: bind(setDataSourceAnnotations),
    saveVerifiedExample: bind(saveVerifiedExample),
    listVerifiedExamples: bind(listVerifiedExamples),
    deleteVerifiedExample: bind(deleteVerifiedExample),
  };
}
