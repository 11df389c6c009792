import type { SecretBox } from "@tandem/db";
import { createGuardedHttp } from "@tandem/engine";
import { createConnector, dataSourceCredentialsSchema, type DataSourceConfigInput, type DataSourceCredentials, type HttpFetch, type SqlConnector } from "@tandem/sql";
import { DataSourceError } from "./data-source-error.ts";

/** The row fields a connector is built from. */
export interface DataSourceRow {
  id: string;
  workspaceId: string;
  name: string;
  config: unknown;
  credentialsEncrypted: string | null;
  updatedAt: Date;
}

/**
 * HTTP SQL API requests through Tandem's SSRF-guarded client: private and loopback addresses refused
 * unless the workspace allows the host, every redirect hop checked, the response size capped.
 */
export function guardedFetch(allowedHosts: readonly string[], timeoutMs: number): HttpFetch {
  const http = createGuardedHttp({ allowedHosts, maxResponseBytes: 64 * 1024 * 1024 });
  return async (url, init) => {
    const response = await http.request({ url, method: init.method, headers: init.headers, body: init.body, timeoutMs, signal: init.signal, followRedirects: false });
    return { status: response.status, text: () => Promise.resolve(Buffer.from(response.body).toString("utf8")) };
  };
}

export function openCredentials(secrets: SecretBox, sealed: string | null): DataSourceCredentials {
  if (sealed === null) return {};
  return dataSourceCredentialsSchema.parse(JSON.parse(secrets.open(sealed)));
}

export function connectorFor(row: Pick<DataSourceRow, "config" | "credentialsEncrypted">, secrets: SecretBox, allowedHosts: readonly string[]): SqlConnector {
  const config = row.config as DataSourceConfigInput; // Parsed (and refused with invalid_config) by createConnector.
  return connectorForSettings(config, openCredentials(secrets, row.credentialsEncrypted), allowedHosts);
}

/** A connector for settings not saved (yet): credentials in the clear, as a form sends them to be tested. */
export function connectorForSettings(config: DataSourceConfigInput, credentials: Parameters<typeof createConnector>[0]["credentials"], allowedHosts: readonly string[]): SqlConnector {
  const timeoutMs = typeof config === "object" && config !== null && "limits" in config ? Number(config.limits?.statementTimeoutMs ?? 30_000) : 30_000;
  return createConnector({ config, credentials, fetch: guardedFetch(allowedHosts, timeoutMs + 1_000) });
}

/**
 * Connectors kept per data source, so its pool, processes and concurrency cap are shared by every run
 * and request in this process. A source changed since (or reached with other allowed hosts) gets a new
 * connector and the old one is closed once idle; `close` closes them all (on Tandem's close).
 */
export interface ConnectorCache {
  get(row: DataSourceRow, allowedHosts: readonly string[]): SqlConnector;
  /** Closes and forgets the source's connector (after an update or delete). */
  evict(dataSourceId: string): Promise<void>;
  close(): Promise<void>;
}

/** A connector that counts its calls in flight, so that a replaced one can be closed when they end. */
interface TrackedConnector {
  connector: SqlConnector;
  /** Closes the connector once no call is in flight (at once if none is). */
  retire(): Promise<void>;
}

function track(inner: SqlConnector): TrackedConnector {
  let inFlight = 0;
  let retiring: (() => void) | undefined;
  const settled = () => {
    inFlight -= 1;
    if (inFlight === 0) retiring?.();
  };
  const counted =
    <Args extends unknown[], Result>(call: (...args: Args) => Promise<Result>) =>
    (...args: Args): Promise<Result> => {
      inFlight += 1;
      return call(...args).finally(settled);
    };
  const connector: SqlConnector = {
    kind: inner.kind,
    dialect: inner.dialect,
    testConnection: counted((options) => inner.testConnection(options)),
    introspect: counted((options) => inner.introspect(options)),
    execute: counted((sql, options) => inner.execute(sql, options)),
    close: () => inner.close(),
  };
  return {
    connector,
    retire: async () => {
      if (inFlight > 0) await new Promise<void>((resolve) => (retiring = resolve));
      await inner.close().catch(() => undefined);
    },
  };
}

export function createConnectorCache(options: { secrets: SecretBox }): ConnectorCache {
  const entries = new Map<string, { key: string; tracked: TrackedConnector }>();
  let closed = false;
  return {
    get(row, allowedHosts) {
      if (closed) throw new DataSourceError("not_found", "Tandem is shutting down; data sources are closed.");
      const key = `${row.updatedAt.toISOString()}\u0000${[...allowedHosts].sort().join(",")}`;
      const entry = entries.get(row.id);
      if (entry?.key === key) return entry.tracked.connector;
      // Statements already running on the old settings finish; new ones use the new connector.
      if (entry) void entry.tracked.retire();
      const tracked = track(connectorFor(row, options.secrets, allowedHosts));
      entries.set(row.id, { key, tracked });
      return tracked.connector;
    },
    async evict(dataSourceId) {
      const entry = entries.get(dataSourceId);
      entries.delete(dataSourceId);
      await entry?.tracked.connector.close().catch(() => undefined);
    },
    async close() {
      closed = true;
      const all = [...entries.values()];
      entries.clear();
      await Promise.all(all.map((entry) => entry.tracked.connector.close().catch(() => undefined)));
    },
  };
}
