import { toJsonInput, type PrismaClient, type SecretBox } from "@tandem/db";
import { findPreset, providerConfigSchema, type ProviderConfig } from "@tandem/engine";
import { z } from "zod";

/** What a user submits to add or change a provider (the API key in clear, once). */
export const modelProviderInputSchema = z.object({
  name: providerConfigSchema.shape.name,
  kind: providerConfigSchema.shape.kind,
  preset: z.string().optional(),
  baseUrl: z.string().url("the base URL must be a full URL, like http://127.0.0.1:11434").optional(),
  /** Omitted: keep the stored key. Empty string: remove it. */
  apiKey: z.string().optional(),
  isLocal: z.boolean().optional(),
  settings: providerConfigSchema.shape.settings,
});
export type ModelProviderInput = z.input<typeof modelProviderInputSchema>;

/** A provider as lists show it: never the key, only whether there is one. */
export interface ModelProviderSummary {
  id: string;
  name: string;
  kind: ProviderConfig["kind"];
  preset: string | null;
  baseUrl: string | null;
  isLocal: boolean;
  hasApiKey: boolean;
  settings: unknown;
  capabilities: unknown;
}

/** Adds or updates (by name) a workspace's provider; the API key is sealed before it is stored. */
export async function saveModelProvider(prisma: PrismaClient, secrets: SecretBox, workspaceId: string, input: ModelProviderInput): Promise<ModelProviderSummary> {
  const parsed = modelProviderInputSchema.parse(input);
  const preset = findPreset(parsed.preset);
  const isLocal = parsed.isLocal ?? preset?.isLocal ?? false;
  const apiKey = parsed.apiKey === undefined ? {} : { apiKeyEncrypted: parsed.apiKey === "" ? null : secrets.seal(parsed.apiKey) };
  const data = {
    kind: parsed.kind,
    preset: parsed.preset ?? null,
    baseUrl: parsed.baseUrl ?? null,
    isLocal,
    settings: toJsonInput(parsed.settings),
  };
  const row = await prisma.modelProvider.upsert({
    where: { workspaceId_name: { workspaceId, name: parsed.name } },
    update: { ...data, ...apiKey },
    create: { workspaceId, name: parsed.name, ...data, ...apiKey },
  });
  return summarize(row);
}

export async function listModelProviders(prisma: PrismaClient, workspaceId: string): Promise<ModelProviderSummary[]> {
  const rows = await prisma.modelProvider.findMany({ where: { workspaceId }, orderBy: { name: "asc" } });
  return rows.map(summarize);
}

/** The workspace's providers as the model gateway takes them, keys decrypted. Invalid rows are skipped and reported. */
export async function loadProviderConfigs(
  prisma: PrismaClient,
  secrets: SecretBox,
  workspaceId: string,
): Promise<{ providers: ProviderConfig[]; problems: string[] }> {
  const rows = await prisma.modelProvider.findMany({ where: { workspaceId } });
  const providers: ProviderConfig[] = [];
  const problems: string[] = [];
  for (const row of rows) {
    const parsed = providerConfigSchema.safeParse({
      name: row.name,
      kind: row.kind,
      ...(row.preset ? { preset: row.preset } : {}),
      ...(row.baseUrl ? { baseUrl: row.baseUrl } : {}),
      ...(row.apiKeyEncrypted ? { apiKey: secrets.open(row.apiKeyEncrypted) } : {}),
      isLocal: row.isLocal,
      settings: row.settings,
      capabilities: row.capabilities,
    });
    if (parsed.success) providers.push(parsed.data);
    else problems.push(`Provider "${row.name}" is misconfigured: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  }
  return { providers, problems };
}

/** Caches a model's probed capabilities on its provider. */
export async function saveModelCapabilities(prisma: PrismaClient, providerId: string, model: string, capabilities: unknown): Promise<void> {
  const row = await prisma.modelProvider.findUniqueOrThrow({ where: { id: providerId }, select: { capabilities: true } });
  const current = typeof row.capabilities === "object" && row.capabilities !== null && !Array.isArray(row.capabilities) ? row.capabilities : {};
  await prisma.modelProvider.update({ where: { id: providerId }, data: { capabilities: toJsonInput({ ...current, [model]: capabilities }) } });
}

function summarize(row: {
  id: string;
  name: string;
  kind: ProviderConfig["kind"];
  preset: string | null;
  baseUrl: string | null;
  isLocal: boolean;
  apiKeyEncrypted: string | null;
  settings: unknown;
  capabilities: unknown;
}): ModelProviderSummary {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    preset: row.preset,
    baseUrl: row.baseUrl,
    isLocal: row.isLocal,
    hasApiKey: row.apiKeyEncrypted !== null,
    settings: row.settings,
    capabilities: row.capabilities,
  };
}
