import { z } from "zod";
import type { ProviderKind } from "./provider-config.ts";
import { providerPresets, type ProviderPresetId } from "./provider-presets.ts";
import { requestJson } from "./request-json.ts";

export interface DiscoveryPort {
  port: number;
  /** The preset assumed for an OpenAI-compatible server on this port. */
  preset: ProviderPresetId;
}

export interface DiscoverOptions {
  ports?: DiscoveryPort[];
  host?: string;
  /** Per request. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A server found answering, ready to become a provider. */
export interface DiscoveredServer {
  preset: ProviderPresetId;
  baseUrl: string;
  kind: ProviderKind;
  models: string[];
}

/** The usual ports of local model servers (8080 is llama.cpp's and LocalAI's: told apart by `/props`). */
export const defaultDiscoveryPorts: DiscoveryPort[] = [
  { port: 11434, preset: "ollama" },
  { port: 8080, preset: "llamacpp" },
  { port: 8000, preset: "vllm" },
  { port: 1234, preset: "lmstudio" },
  { port: 9997, preset: "xinference" },
];

const ollamaVersionSchema = z.object({ version: z.string() });
const ollamaTagsSchema = z.object({ models: z.array(z.object({ name: z.string() })) });
const openAIModelsSchema = z.object({ data: z.array(z.object({ id: z.string(), owned_by: z.string().optional() })) });

/**
 * Looks for model servers on this machine: every port in parallel, with short timeouts; Ollama is
 * recognised by `/api/version`, OpenAI-compatible servers by `/v1/models`. Ports where nothing
 * answers (or something else does) are left out. Never throws.
 */
export async function discoverLocalServers(options: DiscoverOptions = {}): Promise<DiscoveredServer[]> {
  const host = options.host ?? "127.0.0.1";
  const request = { timeoutMs: options.timeoutMs ?? 800, signal: options.signal };
  const found = await Promise.all(
    (options.ports ?? defaultDiscoveryPorts).map((entry) => identifyServer(`http://${formatHost(host)}:${entry.port}`, entry.preset, request).catch(() => null)),
  );
  return found.filter((server): server is DiscoveredServer => server !== null);
}

async function identifyServer(root: string, preset: ProviderPresetId, request: { timeoutMs: number; signal?: AbortSignal }): Promise<DiscoveredServer | null> {
  const ollama = await requestJson(`${root}/api/version`, request)
    .then((body) => ollamaVersionSchema.safeParse(body).success)
    .catch(() => false);
  if (ollama) {
    const tags = ollamaTagsSchema.safeParse(await requestJson(`${root}/api/tags`, request).catch(() => null));
    return { preset: "ollama", baseUrl: root, kind: "ollama", models: tags.success ? tags.data.models.map((model) => model.name) : [] };
  }
  const listing = openAIModelsSchema.safeParse(await requestJson(`${root}/v1/models`, request).catch(() => null));
  if (!listing.success) return null;
  const identified = preset === "llamacpp" || preset === "localai" ? await llamaCppOrLocalAI(root, listing.data.data, request) : preset;
  return {
    preset: identified,
    baseUrl: `${root}/v1`,
    kind: providerPresets[identified].kind,
    models: listing.data.data.map((model) => model.id),
  };
}

/** llama.cpp's server lists its model as owned by "llamacpp" and answers `/props`; LocalAI does neither. */
async function llamaCppOrLocalAI(
  root: string,
  models: Array<{ owned_by?: string }>,
  request: { timeoutMs: number; signal?: AbortSignal },
): Promise<ProviderPresetId> {
  if (models.some((model) => model.owned_by === "llamacpp")) return "llamacpp";
  const props = await requestJson(`${root}/props`, request).then(
    () => true,
    () => false,
  );
  return props ? "llamacpp" : "localai";
}

function formatHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
