import { z } from "zod";
import { sqlDialectSchema } from "../column-family.ts";

/**
 * Per-source limits. They bound every statement a connector runs, whoever calls it: a caller may ask
 * for less, never for more.
 */
export const sourceLimitsSchema = z.object({
  /** Longest a statement may run, queueing for a connection included; for `http_api`, the request timeout. */
  statementTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
  /** Most rows a result returns; more are cut and the result says `truncated: true`. */
  rowCap: z.number().int().min(1).max(100_000).default(1_000),
  /** Most statements running on this source at once; more wait their turn. */
  concurrencyCap: z.number().int().min(1).max(64).default(4),
});
export type SourceLimits = z.infer<typeof sourceLimitsSchema>;

export const sslOptionsSchema = z.object({
  /** `disable`: plain TCP; `require`: TLS without checking the certificate; `verify`: TLS with a checked certificate and host name. */
  mode: z.enum(["disable", "require", "verify"]).default("disable"),
  /** PEM of the certificate authority to trust, when the server's is not in the system store. Not a secret. */
  ca: z.string().optional(),
});
export type SslOptions = z.infer<typeof sslOptionsSchema>;

const hostSchema = z.string().min(1).max(255);
const identifierSchema = z.string().min(1).max(128);

export const postgresSourceConfigSchema = z.object({
  kind: z.literal("postgresql"),
  host: hostSchema,
  port: z.number().int().min(1).max(65_535).default(5432),
  database: identifierSchema,
  user: identifierSchema,
  ssl: sslOptionsSchema.default({}),
  /** Schemas to introspect; default: every schema except the system ones. */
  schemas: z.array(identifierSchema).optional(),
  limits: sourceLimitsSchema.default({}),
});

export const mysqlSourceConfigSchema = z.object({
  kind: z.literal("mysql"),
  host: hostSchema,
  port: z.number().int().min(1).max(65_535).default(3306),
  database: identifierSchema,
  user: identifierSchema,
  ssl: sslOptionsSchema.default({}),
  limits: sourceLimitsSchema.default({}),
});

export const sqliteSourceConfigSchema = z.object({
  kind: z.literal("sqlite"),
  /** Path of an existing SQLite file; it is opened read-only and never created. */
  path: z.string().min(1),
  limits: sourceLimitsSchema.default({}),
});

/** How Tandem authenticates to an HTTP SQL API. The secret itself is in the credentials. */
export const httpApiAuthSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  /** `Authorization: Bearer <credentials.token>`. */
  z.object({ type: z.literal("bearer") }),
  /** `Authorization: Basic base64(username:<credentials.password>)`. */
  z.object({ type: z.literal("basic"), username: z.string().min(1) }),
  /** `<header>: <credentials.apiKey>`, e.g. `X-API-Key`. */
  z.object({ type: z.literal("header"), header: z.string().regex(/^[A-Za-z0-9-]+$/, "a header name has letters, digits and dashes") }),
]);
export type HttpApiAuth = z.infer<typeof httpApiAuthSchema>;

/** `$`, `$.data.rows`, `$.result[0].columns`, `$["odd key"]`: the JSON path subset response paths use. */
export const jsonPathSchema = z
  .string()
  .regex(/^\$(\.[A-Za-z_$][\w$-]*|\[\d+\]|\["[^"]*"\])*$/, 'a JSON path like "$.data.rows" (dots, [index] or ["key"])');

const placeholders = /\{\{\s*(sql|maxRows|timeoutMs)\s*\}\}/g;

/** A JSON document whose strings may hold `{{sql}}`, `{{maxRows}}` and `{{timeoutMs}}`. */
export const bodyTemplateSchema = z.string().superRefine((template, context) => {
  try {
    JSON.parse(template);
  } catch (error) {
    context.addIssue({ code: z.ZodIssueCode.custom, message: `the body template must be JSON with the placeholders inside strings, e.g. {"query": "{{sql}}"} (${error instanceof Error ? error.message : String(error)})` });
    return;
  }
  if (!template.match(placeholders)?.some((match) => match.includes("sql"))) {
    context.addIssue({ code: z.ZodIssueCode.custom, message: 'the body template must contain "{{sql}}" somewhere, or the endpoint never receives the statement' });
  }
});

export const httpApiSourceConfigSchema = z.object({
  kind: z.literal("http_api"),
  url: z.string().url().refine((url) => /^https?:\/\//i.test(url), "the URL must be http:// or https://"),
  method: z.enum(["POST", "PUT", "PATCH"]).default("POST"),
  /** Non-secret headers; secret ones go in `credentials.headers`. */
  headers: z.record(z.string(), z.string()).default({}),
  auth: httpApiAuthSchema.default({ type: "none" }),
  bodyTemplate: bodyTemplateSchema.default('{"sql": "{{sql}}"}'),
  responsePaths: z.object({
    /** Where the rows are: an array of arrays (with `columns`) or of objects (column names are the keys). */
    rows: jsonPathSchema,
    /** Where the column list is: strings, or objects with `name` and optionally `type`. */
    columns: jsonPathSchema.optional(),
    /** Where an error message is; a non-empty value there means the statement failed. */
    error: jsonPathSchema.optional(),
  }),
  /** The SQL dialect of the database behind the endpoint: what the guard parses and the prompts say. */
  dialect: sqlDialectSchema,
  limits: sourceLimitsSchema.default({}),
});

/** A data source's settings, without secrets: safe to store in clear, show and export. */
export const dataSourceConfigSchema = z.discriminatedUnion("kind", [
  postgresSourceConfigSchema,
  mysqlSourceConfigSchema,
  sqliteSourceConfigSchema,
  httpApiSourceConfigSchema,
]);
export type DataSourceConfig = z.infer<typeof dataSourceConfigSchema>;
export type DataSourceConfigInput = z.input<typeof dataSourceConfigSchema>;
export type PostgresSourceConfig = z.infer<typeof postgresSourceConfigSchema>;
export type MysqlSourceConfig = z.infer<typeof mysqlSourceConfigSchema>;
export type SqliteSourceConfig = z.infer<typeof sqliteSourceConfigSchema>;
export type HttpApiSourceConfig = z.infer<typeof httpApiSourceConfigSchema>;
export type DataSourceKind = DataSourceConfig["kind"];

/**
 * A data source's secrets, kept apart from its config: the runner seals this object at rest and hands it
 * to a connector decrypted. Which fields matter depends on the kind (and, for `http_api`, on `auth`).
 */
export const dataSourceCredentialsSchema = z
  .object({
    /** Database password (postgresql, mysql) or the basic-auth password (http_api). */
    password: z.string().optional(),
    /** Bearer token (http_api). */
    token: z.string().optional(),
    /** The value of the API-key header (http_api). */
    apiKey: z.string().optional(),
    /** Secret headers sent with every request (http_api). */
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict();
export type DataSourceCredentials = z.infer<typeof dataSourceCredentialsSchema>;
