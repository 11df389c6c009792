import { createConnector, isSqlError, type DataSourceConfigInput, type HttpFetch, type SourceLimits, type SqlConnector } from "@tandem/sql";
import { requireService } from "@tandem/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineSqlConnectorContract } from "./sql-connector.contract.ts";
import { copySqliteChinook, ensurePostgresChinook, snakeCase } from "./support/chinook.ts";
import { startSqlApiServer, type SqlApiServer } from "./support/sql-api-server.ts";

const postgresUp = await requireService("postgres");

describe.skipIf(!postgresUp)("HTTP SQL API connector against a real HTTP service on real databases", () => {
  // Started in beforeAll, so that collecting this suite touches nothing when it is skipped.
  let server: SqlApiServer;
  let removeSqlite: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    const sqlite = await copySqliteChinook();
    removeSqlite = sqlite.remove;
    server = await startSqlApiServer({ sqlitePath: sqlite.path, postgres: await ensurePostgresChinook() });
  });
  const opened: SqlConnector[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((connector) => connector.close()));
    await server?.close();
    await removeSqlite();
  });

  const sqliteQuery = (): DataSourceConfigInput => ({
    kind: "http_api",
    url: `${server.url}/sqlite/query`,
    auth: { type: "bearer" },
    bodyTemplate: '{"query": "{{sql}}", "limit": "{{maxRows}}"}',
    responsePaths: { rows: "$.data.rows", columns: "$.data.columns", error: "$.error" },
    dialect: "sqlite",
  });
  const sqliteRecords = (): DataSourceConfigInput => ({
    kind: "http_api",
    url: `${server.url}/sqlite/records`,
    auth: { type: "basic", username: "reader" },
    bodyTemplate: '{"statement": "{{sql}}", "max_rows": "{{maxRows}}"}',
    responsePaths: { rows: "$.result.records", error: "$.message" },
    dialect: "sqlite",
  });
  const at = (config: DataSourceConfigInput, changes: { url?: string; limits?: Partial<SourceLimits> }): DataSourceConfigInput =>
    config.kind === "http_api" ? { ...config, ...(changes.url === undefined ? {} : { url: changes.url.startsWith("http") ? changes.url : `${server.url}${changes.url}` }), ...(changes.limits === undefined ? {} : { limits: changes.limits }) } : config;
  const open = (config: DataSourceConfigInput, credentials: Parameters<typeof createConnector>[0]["credentials"], fetch?: HttpFetch) => {
    const connector = createConnector({ config, credentials, ...(fetch === undefined ? {} : { fetch }) });
    opened.push(connector);
    return connector;
  };
  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    if (!isSqlError(error)) throw new Error(`expected a SqlError, got ${String(error)}`);
    return { code: error.code, message: error.message };
  };

  defineSqlConnectorContract({
    name: "HTTP SQL API on PostgreSQL (API-key header, arrays with typed columns)",
    open: (limits?: Partial<SourceLimits>) =>
      createConnector({
        config: {
          kind: "http_api",
          url: `${server.url}/postgres/query`,
          auth: { type: "header", header: "X-API-Key" },
          bodyTemplate: '{"sql": "{{sql}}"}',
          responsePaths: { rows: "$.rows", columns: "$.columns", error: "$.detail" },
          dialect: "postgresql",
          limits: limits ?? {},
        },
        credentials: { apiKey: "pg-key" },
      }),
    spell: snakeCase,
    statementErrorCode: "remote_error",
    comments: true,
    observeConcurrency: async () => server.inFlight,
  });

  defineSqlConnectorContract({
    name: "HTTP SQL API on SQLite (bearer token, error object)",
    open: (limits?: Partial<SourceLimits>) => createConnector({ config: at(sqliteQuery(), { limits: limits ?? {} }), credentials: { token: "sqlite-token" } }),
    spell: (name) => name,
    statementErrorCode: "remote_error",
    comments: false,
    // The test server runs SQLite in its own event loop: a slow statement would stall the test itself.
    slowStatements: false,
  });

  it("sends the SQL JSON-escaped in the body template, with the row limit as a number", async () => {
    const source = open(sqliteQuery(), { token: "sqlite-token" });
    const sql = `SELECT 'back\\slash "double" it''s' || char(10) || 'tab\there' AS text_value`;
    const result = await source.execute(sql, { maxRows: 7 });
    expect(result.rows).toEqual([['back\\slash "double" it\'s\ntab\there']]);
    expect(JSON.parse(server.bodies.at(-1) ?? "{}")).toEqual({ query: `${sql}\nLIMIT 8`, limit: 8 });
  });

  it("reads rows given as objects, with basic auth, and infers column types from the values", async () => {
    const source = open(sqliteRecords(), { password: "pa55" });
    const result = await source.execute("SELECT InvoiceId, InvoiceDate, Total, BillingCity FROM Invoice ORDER BY InvoiceId LIMIT 2");
    expect(result.columns.map((column) => [column.name, column.type])).toEqual([
      ["InvoiceId", "number"],
      ["InvoiceDate", "date"],
      ["Total", "number"],
      ["BillingCity", "string"],
    ]);
    expect(result.rows).toEqual([
      [1, "2021-01-01T00:00:00", 1.98, "Stuttgart"],
      [2, "2021-01-02T00:00:00", 3.96, "Oslo"],
    ]);
  });

  it("refuses wrong credentials with auth_failed, and missing ones when the connector is made", async () => {
    expect(await open(sqliteQuery(), { token: "wrong" }).testConnection()).toEqual({
      ok: false,
      code: "auth_failed",
      message: expect.stringMatching(/refused Tandem's credentials \(HTTP 401: invalid or missing token\)/) as unknown,
    });
    expect(await open(sqliteRecords(), { password: "wrong" }).testConnection()).toMatchObject({ ok: false, code: "auth_failed" });
    expect(() => createConnector({ config: sqliteQuery(), credentials: {} })).toThrow(/has no token in its credentials/);
  });

  it("turns the remote database's error into remote_error with its message, by status or in a 200 body", async () => {
    expect(await failure(open(sqliteQuery(), { token: "sqlite-token" }).execute("SELECT * FROM Nope"))).toEqual({ code: "remote_error", message: "no such table: Nope" });
    expect(await failure(open(sqliteRecords(), { password: "pa55" }).execute("SELECT * FROM Nope"))).toEqual({ code: "remote_error", message: "no such table: Nope" });
  });

  it("reports an answer that does not fit the paths as bad_response, saying which path to fix", async () => {
    const html = open(at(sqliteQuery(), { url: "/html" }), { token: "sqlite-token" });
    expect(await failure(html.execute("SELECT 1"))).toEqual({ code: "bad_response", message: expect.stringMatching(/not JSON: <html><body>Service temporarily unavailable/) as unknown });
    const shape = open(at(sqliteQuery(), { url: "/wrong-shape" }), { token: "sqlite-token" });
    expect(await failure(shape.execute("SELECT 1"))).toEqual({ code: "bad_response", message: expect.stringMatching(/nothing at \$\.data\.rows \(\$\.data\.rows is missing\)\. Check the rows path/) as unknown });
  });

  it("gives up on a slow endpoint at the statement timeout", async () => {
    const slow = open(at(sqliteQuery(), { url: "/slow", limits: { statementTimeoutMs: 500 } }), { token: "sqlite-token" });
    const started = performance.now();
    expect(await failure(slow.execute("SELECT 1"))).toMatchObject({ code: "timeout" });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("never sends what the guard refuses", async () => {
    const before = server.bodies.length;
    const source = open(sqliteQuery(), { token: "sqlite-token" });
    expect(await failure(source.execute("DROP TABLE Track"))).toMatchObject({ code: "guard_refused" });
    expect(await failure(source.execute("SELECT 1; DELETE FROM Track"))).toMatchObject({ code: "guard_refused" });
    expect(server.bodies.length).toBe(before);
  });

  it("sends through the injected fetch (the runner's SSRF-guarded client)", async () => {
    const seen: string[] = [];
    const guarded: HttpFetch = async (url, init) => {
      seen.push(`${init.method} ${url}`);
      return fetch(url, init);
    };
    const source = open(sqliteQuery(), { token: "sqlite-token" }, guarded);
    expect((await source.execute("SELECT 42 AS answer")).rows).toEqual([[42]]);
    expect(seen).toEqual([`POST ${server.url}/sqlite/query`]);
  });

  it("says the endpoint cannot be reached when nothing listens there", async () => {
    const nowhere = open(at(sqliteQuery(), { url: "http://127.0.0.1:1/sql" }), { token: "sqlite-token" });
    expect(await nowhere.testConnection()).toMatchObject({ ok: false, code: "connection_failed", message: expect.stringMatching(/Cannot reach the SQL API at http:\/\/127\.0\.0\.1:1/) as unknown });
  });
});
