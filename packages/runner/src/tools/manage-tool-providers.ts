import { toJsonInput, type PrismaClient, type SecretBox } from "@tandem/db";
import { createGuardedHttp, parseDocumentText } from "@tandem/engine";
import { z } from "zod";
import { readOpenApiOperations } from "./openapi-tools.ts";
import {
  mcpProviderConfigSchema,
  openApiAuthSchema,
  toolCredentialsSchema,
  toolProviderConfigSchema,
  toolProviderNameSchema,
  type LoadedToolProvider,
  type ToolCredentials,
} from "./tool-provider-config.ts";

/** What a user submits: an OpenAPI document (pasted text, parsed JSON, or a URL to fetch) or an MCP server. */
export const toolProviderInputSchema = z.object({
  name: toolProviderNameSchema,
  description: z.string().max(2000).default(""),
  enabled: z.boolean().default(true),
  config: z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("openapi"),
      document: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
      /** Fetched once, when saved, through the SSRF guard. */
      documentUrl: z.string().url().optional(),
      baseUrl: z.string().url().optional(),
      auth: openApiAuthSchema.default({ type: "none" }),
      timeoutMs: z.number().int().min(100).max(300_000).default(30_000),
    }),
    mcpProviderConfigSchema,
  ]),
  /** Omitted: keep the stored credentials. Given: replace them (sealed). */
  credentials: toolCredentialsSchema.optional(),
});
export type ToolProviderInput = z.input<typeof toolProviderInputSchema>;

export interface ToolProviderSummary {
  id: string;
  name: string;
  kind: "openapi" | "mcp";
  description: string;
  enabled: boolean;
  hasCredentials: boolean;
  /** OpenAPI: the tools its operations became. */
  tools?: string[];
}

async function fetchDocument(url: string, allowedHosts: readonly string[]): Promise<string> {
  const response = await createGuardedHttp({ allowedHosts }).request({ url, method: "GET", headers: { accept: "application/json, application/yaml, text/yaml" }, timeoutMs: 30_000, followRedirects: true });
  if (response.status < 200 || response.status > 299) throw new Error(`Fetching the OpenAPI document failed: HTTP ${response.status}.`);
  return new TextDecoder().decode(response.body);
}

/**
 * Adds or replaces (by name) a workspace's tool provider. An OpenAPI document is parsed and read
 * now, so a broken one is refused with what is wrong instead of failing at run time. Credentials are
 * sealed; they never appear in a summary.
 */
export async function saveToolProvider(
  prisma: PrismaClient,
  secrets: SecretBox,
  workspace: { id: string; allowedHosts: readonly string[] },
  input: ToolProviderInput,
): Promise<ToolProviderSummary> {
  const parsed = toolProviderInputSchema.parse(input);
  let config: z.infer<typeof toolProviderConfigSchema>;
  let tools: string[] | undefined;
  if (parsed.config.kind === "openapi") {
    const { documentUrl, document, ...rest } = parsed.config;
    const raw = document ?? (documentUrl ? await fetchDocument(documentUrl, workspace.allowedHosts) : undefined);
    if (raw === undefined) throw new Error("Give the OpenAPI document, pasted or as a URL.");
    const value = typeof raw === "string" ? parseDocumentText(raw) : raw;
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("The OpenAPI document must be a JSON or YAML object.");
    // Checked just above: a plain object.
    const objectValue = value as Record<string, unknown>;
    tools = readOpenApiOperations(parsed.name, objectValue).map((operation) => operation.toolName);
    config = toolProviderConfigSchema.parse({ ...rest, document: objectValue });
  } else config = parsed.config;
  const credentials = parsed.credentials === undefined ? {} : { credentialsEncrypted: secrets.seal(JSON.stringify(parsed.credentials)) };
  const data = { kind: config.kind, description: parsed.description, enabled: parsed.enabled, config: toJsonInput(config) };
  const row = await prisma.toolProvider.upsert({
    where: { workspaceId_name: { workspaceId: workspace.id, name: parsed.name } },
    update: { ...data, ...credentials },
    create: { workspaceId: workspace.id, name: parsed.name, ...data, ...credentials },
  });
  return { id: row.id, name: row.name, kind: config.kind, description: row.description, enabled: row.enabled, hasCredentials: row.credentialsEncrypted !== null, ...(tools ? { tools } : {}) };
}

/** The workspace's providers as lists show them: never the credentials, only whether there are some. */
export async function listToolProviders(prisma: PrismaClient, workspaceId: string): Promise<ToolProviderSummary[]> {
  const rows = await prisma.toolProvider.findMany({ where: { workspaceId }, orderBy: { name: "asc" } });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    kind: row.kind === "mcp" ? "mcp" : "openapi",
    description: row.description,
    enabled: row.enabled,
    hasCredentials: row.credentialsEncrypted !== null,
  }));
}

export async function deleteToolProvider(prisma: PrismaClient, workspaceId: string, name: string): Promise<boolean> {
  const { count } = await prisma.toolProvider.deleteMany({ where: { workspaceId, name } });
  return count > 0;
}

/** The workspace's enabled providers, configs parsed and credentials opened; invalid rows are skipped and reported. */
export async function loadToolProviders(prisma: PrismaClient, secrets: SecretBox, workspaceId: string): Promise<{ providers: LoadedToolProvider[]; problems: string[] }> {
  const rows = await prisma.toolProvider.findMany({ where: { workspaceId, enabled: true }, orderBy: { name: "asc" } });
  const providers: LoadedToolProvider[] = [];
  const problems: string[] = [];
  for (const row of rows) {
    const config = toolProviderConfigSchema.safeParse(row.config);
    if (!config.success) {
      problems.push(`Tool provider "${row.name}" has an invalid configuration: ${config.error.issues[0]?.message ?? "unknown problem"}`);
      continue;
    }
    let credentials: ToolCredentials = {};
    if (row.credentialsEncrypted) {
      try {
        credentials = toolCredentialsSchema.parse(JSON.parse(secrets.open(row.credentialsEncrypted)));
      } catch {
        problems.push(`Tool provider "${row.name}": its credentials cannot be opened (was TANDEM_SECRET_KEY changed?).`);
        continue;
      }
    }
    providers.push({ id: row.id, name: row.name, version: row.updatedAt.toISOString(), config: config.data, credentials });
  }
  return { providers, problems };
}
