import { z } from "zod";

/** A provider's name prefixes its tools' names, so it must fit a function name too. */
export const toolProviderNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,23}$/, "use up to 24 letters, digits, '_' and '-', starting with a letter");

/** How an OpenAPI provider authenticates; the secret itself is in the sealed credentials. */
export const openApiAuthSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  z.object({ type: z.literal("api-key"), in: z.enum(["header", "query"]), name: z.string().min(1).max(200) }),
  z.object({ type: z.literal("bearer") }),
  z.object({ type: z.literal("basic"), username: z.string().max(1000) }),
]);
export type OpenApiAuth = z.infer<typeof openApiAuthSchema>;

export const openApiProviderConfigSchema = z.object({
  kind: z.literal("openapi"),
  /** The OpenAPI 3 document, parsed (JSON or YAML is parsed when it is saved). */
  document: z.record(z.string(), z.unknown()),
  /** Overrides the document's first server URL. */
  baseUrl: z.string().url().optional(),
  auth: openApiAuthSchema.default({ type: "none" }),
  timeoutMs: z.number().int().min(100).max(300_000).default(30_000),
});
export type OpenApiProviderConfig = z.infer<typeof openApiProviderConfigSchema>;

export const mcpProviderConfigSchema = z.object({
  kind: z.literal("mcp"),
  transport: z.discriminatedUnion("type", [
    /** A local process speaking MCP on stdin/stdout. */
    z.object({ type: z.literal("stdio"), command: z.string().min(1), args: z.array(z.string()).default([]), cwd: z.string().optional() }),
    /** A remote server over Streamable HTTP (checked by the SSRF guard against the workspace's allowed hosts). */
    z.object({ type: z.literal("http"), url: z.string().url() }),
  ]),
  connectTimeoutMs: z.number().int().min(100).max(120_000).default(15_000),
  timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
});
export type McpProviderConfig = z.infer<typeof mcpProviderConfigSchema>;

export const toolProviderConfigSchema = z.discriminatedUnion("kind", [openApiProviderConfigSchema, mcpProviderConfigSchema]);
export type ToolProviderConfig = z.infer<typeof toolProviderConfigSchema>;

/** The sealed part: the API key, bearer token or basic password; headers and environment for MCP servers. */
export const toolCredentialsSchema = z
  .object({
    secret: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
  })
  .default({});
export type ToolCredentials = z.infer<typeof toolCredentialsSchema>;

/** A provider as the runner uses it: config parsed, credentials opened. */
export interface LoadedToolProvider {
  id: string;
  name: string;
  /** Changes on every save; cached connections are keyed by it. */
  version: string;
  config: ToolProviderConfig;
  credentials: ToolCredentials;
}
