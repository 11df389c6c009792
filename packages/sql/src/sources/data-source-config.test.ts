import { describe, expect, it } from "vitest";
import { dataSourceConfigSchema, dataSourceCredentialsSchema } from "./data-source-config.ts";

describe("dataSourceConfigSchema", () => {
  it("fills the defaults of a direct source and keeps secrets out of it", () => {
    const config = dataSourceConfigSchema.parse({ kind: "postgresql", host: "db.internal", database: "shop", user: "reader" });
    expect(config).toEqual({
      kind: "postgresql",
      host: "db.internal",
      port: 5432,
      database: "shop",
      user: "reader",
      ssl: { mode: "disable" },
      limits: { statementTimeoutMs: 30_000, rowCap: 1_000, concurrencyCap: 4 },
    });
    expect(dataSourceConfigSchema.safeParse({ kind: "mysql", host: "h", database: "d", user: "u", password: "secret" }).success).toBe(true);
    expect(dataSourceCredentialsSchema.safeParse({ password: "p", other: 1 }).success).toBe(false);
  });

  it("checks an HTTP SQL API's template, paths and URL", () => {
    const base = { kind: "http_api", url: "https://sql.example/run", responsePaths: { rows: "$.data.rows" }, dialect: "mysql" } as const;
    expect(dataSourceConfigSchema.parse(base)).toMatchObject({ method: "POST", bodyTemplate: '{"sql": "{{sql}}"}', auth: { type: "none" }, headers: {} });
    expect(dataSourceConfigSchema.safeParse({ ...base, bodyTemplate: "{query: {{sql}}}" }).error?.issues[0]?.message).toMatch(/must be JSON/);
    expect(dataSourceConfigSchema.safeParse({ ...base, bodyTemplate: '{"query": "SELECT 1"}' }).error?.issues[0]?.message).toMatch(/must contain "\{\{sql\}\}"/);
    expect(dataSourceConfigSchema.safeParse({ ...base, responsePaths: { rows: "data.rows" } }).success).toBe(false);
    expect(dataSourceConfigSchema.safeParse({ ...base, url: "ftp://sql.example" }).success).toBe(false);
    expect(dataSourceConfigSchema.safeParse({ ...base, auth: { type: "header", header: "X Key" } }).success).toBe(false);
    expect(dataSourceConfigSchema.safeParse({ ...base, limits: { rowCap: 0 } }).success).toBe(false);
  });
});
