import type { PrismaClient, SecretBox } from "@tandem/db";
import { probeModel, testProviderConnection, type ConnectionTest, type ModelCapabilities, type ProviderConfig } from "@tandem/engine";
import { loadProviderConfigs, saveModelCapabilities } from "./model-provider-repository.ts";

async function providerNamed(prisma: PrismaClient, secrets: SecretBox, workspaceId: string, name: string): Promise<ProviderConfig> {
  const { providers } = await loadProviderConfigs(prisma, secrets, workspaceId);
  const provider = providers.find((candidate) => candidate.name === name);
  if (!provider) throw new Error(`This workspace has no model provider named "${name}".`);
  return provider;
}

/**
 * Probes what a model can do (chat, streaming, tool calls, JSON, embeddings, context length) by calling
 * it, and caches the answer on its provider, where the gateway and the model picker read it.
 */
export async function probeAndCacheModel(
  prisma: PrismaClient,
  secrets: SecretBox,
  workspaceId: string,
  providerName: string,
  model: string,
  signal?: AbortSignal,
): Promise<ModelCapabilities> {
  const provider = await providerNamed(prisma, secrets, workspaceId, providerName);
  const capabilities = await probeModel(provider, model, signal ? { signal } : {});
  const row = await prisma.modelProvider.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId, name: providerName } }, select: { id: true } });
  await saveModelCapabilities(prisma, row.id, model, capabilities);
  return capabilities;
}

/** Checks a provider answers (and with which models), with a message that says what to fix when not. */
export async function testModelProvider(prisma: PrismaClient, secrets: SecretBox, workspaceId: string, providerName: string): Promise<ConnectionTest> {
  return testProviderConnection(await providerNamed(prisma, secrets, workspaceId, providerName));
}
