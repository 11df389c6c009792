import { SqlError } from "../sql-error.ts";
import { dataSourceConfigSchema, dataSourceCredentialsSchema, type DataSourceConfigInput, type DataSourceCredentials } from "../sources/data-source-config.ts";
import { createHttpApiConnector, type HttpFetch } from "./http-api-connector.ts";
import { createMysqlConnector } from "./mysql-connector.ts";
import { createPostgresConnector } from "./postgres-connector.ts";
import { createSqliteConnector } from "./sqlite-connector.ts";
import { type SqlConnector } from "./sql-connector.ts";

export interface CreateConnectorInput {
  /** The source's settings, as stored (parsed here). */
  config: DataSourceConfigInput;
  /** The source's secrets, already decrypted by the caller. */
  credentials?: DataSourceCredentials;
  /** For HTTP SQL APIs: how requests are sent (the runner's SSRF-guarded client). Default: global fetch. */
  fetch?: HttpFetch;
}

/**
 * The connector for a data source. The config and credentials are parsed here, so a stored config that
 * no longer validates fails with `invalid_config` and the list of what is wrong.
 */
export function createConnector(input: CreateConnectorInput): SqlConnector {
  const config = dataSourceConfigSchema.safeParse(input.config);
  if (!config.success) {
    throw new SqlError("invalid_config", `The data source settings are invalid: ${config.error.issues.map((issue) => `${issue.path.join(".") || "config"}: ${issue.message}`).join("; ")}.`);
  }
  const credentials = dataSourceCredentialsSchema.safeParse(input.credentials ?? {});
  if (!credentials.success) {
    throw new SqlError("invalid_config", `The data source credentials are invalid: ${credentials.error.issues.map((issue) => `${issue.path.join(".") || "credentials"}: ${issue.message}`).join("; ")}.`);
  }
  switch (config.data.kind) {
    case "postgresql":
      return createPostgresConnector(config.data, credentials.data);
    case "mysql":
      return createMysqlConnector(config.data, credentials.data);
    case "sqlite":
      return createSqliteConnector(config.data);
    case "http_api":
      return createHttpApiConnector(config.data, credentials.data, input.fetch === undefined ? {} : { fetch: input.fetch });
  }
}
