import { httpStatusOf, isTimeoutError, networkCodeOf, shortMessage } from "./describe-error.ts";
import { listProviderModels, type ListModelsOptions } from "./list-provider-models.ts";
import { providerBaseUrl } from "./provider-presets.ts";
import type { ProviderConfig } from "./provider-config.ts";

export interface ConnectionTest {
  ok: boolean;
  latencyMs: number;
  /** The models the provider lists, when it answered. */
  models?: string[];
  /** What is wrong, in words an admin can act on. */
  error?: string;
}

/**
 * Checks a provider from the settings page: lists its models and, when that fails, says why in words
 * (nothing listening, key refused, wrong URL, timeout). Never throws.
 */
export async function testProviderConnection(provider: ProviderConfig, options: ListModelsOptions = {}): Promise<ConnectionTest> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 5000;
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const models = await listProviderModels(provider, { ...options, timeoutMs });
    return { ok: true, latencyMs: elapsed(), models };
  } catch (error) {
    return { ok: false, latencyMs: elapsed(), error: explainConnectionError(provider, error, timeoutMs) };
  }
}

export function explainConnectionError(provider: ProviderConfig, error: unknown, timeoutMs: number): string {
  let url: string;
  try {
    url = provider.kind === "local" ? "the embedded runtime" : providerBaseUrl(provider);
  } catch (missing) {
    return shortMessage(missing);
  }
  const status = httpStatusOf(error);
  if (status === 401 || status === 403) return `The API key was refused by ${url} (HTTP ${status}): check the key of provider "${provider.name}".`;
  if (status === 404) {
    const hint = provider.kind === "openai_compatible" ? " (OpenAI-compatible servers usually end in /v1)" : "";
    return `${url} answered 404: check the base URL${hint}.`;
  }
  if (status === 429) return `${url} is rate limiting this key (HTTP 429): try again later.`;
  if (status !== undefined) return `${url} answered HTTP ${status}: ${shortMessage(error)}`;
  const code = networkCodeOf(error);
  if (code === "ECONNREFUSED") return `Nothing answers at ${url}: is the server running?`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `The host of ${url} cannot be found: check the URL (and, air-gapped, that it is on your network).`;
  if (code === "ECONNRESET" || code === "EPIPE") return `${url} closed the connection: is it the right port and protocol (http or https)?`;
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return `${url} cannot be reached from this machine: check the network.`;
  if (isTimeoutError(error) || (error instanceof Error && error.name === "AbortError")) {
    return `${url} did not answer within ${Math.round(timeoutMs / 100) / 10} s: is the server up, and the URL right?`;
  }
  if (error instanceof Error && error.name === "ZodError") return `${url} answered, but not like ${kindName(provider)} server: check the kind and URL.`;
  return `${url} could not be reached: ${shortMessage(error)}`;
}

function kindName(provider: ProviderConfig): string {
  return provider.kind === "openai_compatible" ? "an OpenAI-compatible" : provider.kind === "ollama" ? "an Ollama" : provider.kind === "anthropic" ? "an Anthropic" : "a local";
}
