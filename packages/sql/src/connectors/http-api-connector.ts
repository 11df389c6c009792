import { familyOfType } from "../column-family.ts";
import { SqlError, describeCause } from "../sql-error.ts";
import { type DataSourceCredentials, type HttpApiSourceConfig } from "../sources/data-source-config.ts";
import { createGuardedConnector, type ConnectorDriver, type DriverResult } from "./create-guarded-connector.ts";
import { readJsonPath } from "./http-api/json-path.ts";
import { renderBodyTemplate, renderUrlTemplate } from "./http-api/render-body-template.ts";
import { inferFamily, normalizeValue } from "./normalize-value.ts";
import { type ResultColumn, type SqlConnector } from "./sql-connector.ts";

/** The response an `HttpFetch` returns: the standard `Response` has these. */
export interface HttpFetchResponse {
  status: number;
  text(): Promise<string>;
}

/**
 * How the connector sends requests. The global `fetch` fits; the runner passes its SSRF-guarded client
 * (private addresses refused unless allowed, redirects checked, size capped), adapted to this shape.
 */
export type HttpFetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<HttpFetchResponse>;

/** The most response text read; a bigger answer is refused (the row cap should have kept it small). */
const maxResponseChars = 50_000_000;

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}...` : flat;
}

/** A remote error value as a message: a string, or the usual fields of an error object. */
function errorMessage(value: unknown): string | undefined {
  if (value === null || value === undefined || value === false || value === "") return undefined;
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map((item) => errorMessage(item) ?? "").filter(Boolean).join("; ");
  if (typeof value === "object") {
    const record = value as Record<string, unknown>; // Non-null object, not an array (checked above).
    if (Object.keys(record).length === 0) return undefined;
    for (const key of ["message", "error", "detail", "reason", "msg"]) {
      const inner = errorMessage(record[key]);
      if (inner !== undefined) return inner;
    }
    return snippet(JSON.stringify(value));
  }
  return typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" ? String(value) : snippet(JSON.stringify(value) ?? "");
}

function authHeaders(config: HttpApiSourceConfig, credentials: DataSourceCredentials): Record<string, string> {
  const missing = (what: string) =>
    new SqlError("invalid_config", `This data source authenticates with ${config.auth.type} but has no ${what} in its credentials; add it.`);
  switch (config.auth.type) {
    case "none":
      return {};
    case "bearer":
      if (credentials.token === undefined) throw missing("token");
      return { authorization: `Bearer ${credentials.token}` };
    case "basic":
      if (credentials.password === undefined) throw missing("password");
      return { authorization: `Basic ${Buffer.from(`${config.auth.username}:${credentials.password}`).toString("base64")}` };
    case "header":
      if (credentials.apiKey === undefined) throw missing("apiKey");
      return { [config.auth.header.toLowerCase()]: credentials.apiKey };
  }
}

interface ParsedColumns {
  names: string[];
  types: Array<string | undefined>;
}

function parseColumns(value: unknown, path: string): ParsedColumns {
  if (!Array.isArray(value)) throw new SqlError("bad_response", `The SQL API's answer has no column list at ${path} (found ${typeof value}). Check the columns path of this data source.`);
  const names: string[] = [];
  const types: Array<string | undefined> = [];
  for (const item of value) {
    if (typeof item === "string") {
      names.push(item);
      types.push(undefined);
    } else if (typeof item === "object" && item !== null && typeof (item as { name?: unknown }).name === "string") {
      const column = item as { name: string; type?: unknown }; // `name` checked just above.
      names.push(column.name);
      types.push(typeof column.type === "string" ? column.type : undefined);
    } else {
      throw new SqlError("bad_response", `The column list at ${path} holds ${snippet(JSON.stringify(item))}; each column must be a name or an object with a "name".`);
    }
  }
  return { names, types };
}

/**
 * The answer of an HTTP SQL API as a result: the error path first (a non-empty value there is the
 * remote database's error), then the rows (arrays, or objects keyed by column) and the columns.
 */
export function readHttpApiAnswer(config: HttpApiSourceConfig, document: unknown): DriverResult {
  const paths = config.responsePaths;
  if (paths.error !== undefined) {
    const error = readJsonPath(document, paths.error);
    const message = error.found ? errorMessage(error.value) : undefined;
    if (message !== undefined) throw new SqlError("remote_error", message);
  }
  const rowsAt = readJsonPath(document, paths.rows);
  if (!rowsAt.found) {
    throw new SqlError("bad_response", `The SQL API's answer has nothing at ${paths.rows} (${rowsAt.missing} is missing). Check the rows path of this data source; the answer was: ${snippet(JSON.stringify(document))}`);
  }
  if (!Array.isArray(rowsAt.value)) {
    throw new SqlError("bad_response", `The SQL API's answer has ${snippet(JSON.stringify(rowsAt.value) ?? "nothing")} at ${paths.rows}, not a list of rows. Check the rows path of this data source.`);
  }
  const rawRows: unknown[] = rowsAt.value;
  let columns: ParsedColumns | undefined;
  if (paths.columns !== undefined) {
    const columnsAt = readJsonPath(document, paths.columns);
    if (!columnsAt.found) throw new SqlError("bad_response", `The SQL API's answer has no column list at ${paths.columns} (${columnsAt.missing} is missing). Check the columns path of this data source.`);
    columns = parseColumns(columnsAt.value, paths.columns);
  }
  const objects = rawRows.length > 0 && rawRows.every((row) => typeof row === "object" && row !== null && !Array.isArray(row));
  const arrays = rawRows.every((row) => Array.isArray(row));
  if (!objects && !arrays) throw new SqlError("bad_response", `The rows at ${paths.rows} must all be arrays or all be objects; found ${snippet(JSON.stringify(rawRows.slice(0, 3)))}.`);
  let rows: unknown[][];
  if (objects) {
    const records = rawRows as Array<Record<string, unknown>>; // Every row is a non-null, non-array object (checked above).
    if (columns === undefined) {
      const names: string[] = [];
      for (const record of records) for (const key of Object.keys(record)) if (!names.includes(key)) names.push(key);
      columns = { names, types: names.map(() => undefined) };
    }
    const names = columns.names;
    rows = records.map((record) => names.map((name) => record[name] ?? null));
  } else {
    rows = rawRows as unknown[][]; // Every row is an array (checked above).
    if (columns === undefined) {
      const width = rows.reduce((widest, row) => Math.max(widest, row.length), 0);
      const names = Array.from({ length: width }, (_value, index) => `column_${index + 1}`);
      columns = { names, types: names.map(() => undefined) };
    } else {
      const width = columns.names.length;
      const odd = rows.find((row) => row.length !== width);
      if (odd !== undefined) throw new SqlError("bad_response", `A row at ${paths.rows} has ${odd.length} values for ${width} columns.`);
    }
  }
  const known = columns;
  const resultColumns: ResultColumn[] = known.names.map((name, index) => {
    const declared = known.types[index];
    return { name, type: declared === undefined ? inferFamily(rows, index) : familyOfType(config.dialect, declared), ...(declared === undefined ? {} : { databaseType: declared }) };
  });
  return { columns: resultColumns, rows: rows.map((row) => row.map((value, index) => normalizeValue(value, resultColumns[index]?.type ?? "string"))) };
}

/**
 * An HTTP SQL API source: Tandem sends each guarded statement to the user's endpoint (the body built
 * from the template), and reads columns, rows and errors at the configured JSON paths. The database
 * behind it is the endpoint's business; the guard, the row cap, the timeout and the concurrency cap
 * still apply on Tandem's side. Catalog statements for introspection go through the guard as well.
 */
export function createHttpApiConnector(config: HttpApiSourceConfig, credentials: DataSourceCredentials = {}, options: { fetch?: HttpFetch } = {}): SqlConnector {
  const send: HttpFetch = options.fetch ?? ((url, init) => fetch(url, init));
  const origin = new URL(config.url).origin;
  // Fails now, with invalid_config, when the auth settings name a secret the credentials lack.
  authHeaders(config, credentials);

  async function call(sql: string, maxRows: number, timeoutMs: number, signal: AbortSignal): Promise<DriverResult> {
    const values = { sql, maxRows, timeoutMs };
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
      ...Object.fromEntries(Object.entries(config.headers).map(([name, value]) => [name.toLowerCase(), value])),
      ...Object.fromEntries(Object.entries(credentials.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
      ...authHeaders(config, credentials),
    };
    let status: number;
    let text: string;
    try {
      const response = await send(renderUrlTemplate(config.url, values), { method: config.method, headers, body: renderBodyTemplate(config.bodyTemplate, values), signal });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw error;
      throw new SqlError("connection_failed", `Cannot reach the SQL API at ${origin} (${describeCause(error)}). Check the URL of this data source and that the endpoint is up.`, { cause: error });
    }
    if (text.length > maxResponseChars) throw new SqlError("bad_response", `The SQL API answered ${text.length} characters, more than Tandem reads (${maxResponseChars}). Lower the row cap.`);
    let document: unknown;
    let parsed = true;
    try {
      document = JSON.parse(text) as unknown;
    } catch {
      parsed = false;
    }
    const remote = parsed && config.responsePaths.error !== undefined ? readJsonPath(document, config.responsePaths.error) : undefined;
    const remoteMessage = remote?.found ? errorMessage(remote.value) : undefined;
    if (status === 401 || status === 403) {
      throw new SqlError("auth_failed", `The SQL API at ${origin} refused Tandem's credentials (HTTP ${status}${remoteMessage === undefined ? "" : `: ${remoteMessage}`}). Check the data source's auth settings and its token or password.`, { details: { status } });
    }
    if (status < 200 || status >= 300) {
      throw new SqlError("remote_error", remoteMessage ?? `The SQL API at ${origin} answered HTTP ${status}: ${snippet(text)}`, { details: { status } });
    }
    if (!parsed) throw new SqlError("bad_response", `The SQL API at ${origin} answered something that is not JSON: ${snippet(text)}. Check the URL of this data source.`, { details: { status } });
    return readHttpApiAnswer(config, document);
  }

  const driver: ConnectorDriver = {
    kind: "http_api",
    dialect: config.dialect,
    run: (query) => call(query.sql, query.maxRows, query.timeoutMs, query.signal),
    async ping(query) {
      await call("SELECT 1", 1, query.timeoutMs, query.signal);
      return {};
    },
    async close() {},
  };
  return createGuardedConnector(driver, config.limits);
}
