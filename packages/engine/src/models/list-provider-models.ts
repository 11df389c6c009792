import { z } from "zod";
import { providerBaseUrl } from "./provider-presets.ts";
import type { ProviderConfig } from "./provider-config.ts";
import { requestJson } from "./request-json.ts";
import type { LocalModelRuntime } from "../ports/local-model-runtime.ts";

export interface ListModelsOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Needed for providers of kind `"local"`. */
  localRuntime?: LocalModelRuntime;
}

/** One model a server lists; `contextLength` when the listing says (vLLM's `max_model_len`, llama.cpp's `n_ctx_train`). */
export interface ListedModel {
  id: string;
  contextLength?: number;
}

const openAIModelsSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      max_model_len: z.number().optional(),
      context_length: z.number().optional(),
      meta: z.object({ n_ctx_train: z.number().optional() }).passthrough().nullish(),
    }),
  ),
});
const ollamaTagsSchema = z.object({ models: z.array(z.object({ name: z.string() })) });

/** The models a provider serves: `GET /models` (OpenAI-compatible, Anthropic), `GET /api/tags` (Ollama), or the local runtime. */
export async function listProviderModelEntries(provider: ProviderConfig, options: ListModelsOptions = {}): Promise<ListedModel[]> {
  const request = { signal: options.signal, timeoutMs: options.timeoutMs ?? 10_000 };
  switch (provider.kind) {
    case "openai_compatible": {
      const body = openAIModelsSchema.parse(await requestJson(`${providerBaseUrl(provider)}/models`, { ...request, headers: bearer(provider) }));
      return body.data.map((model) => ({
        id: model.id,
        contextLength: model.max_model_len ?? model.context_length ?? model.meta?.n_ctx_train,
      }));
    }
    case "ollama": {
      const body = ollamaTagsSchema.parse(await requestJson(`${providerBaseUrl(provider)}/api/tags`, { ...request, headers: bearer(provider) }));
      return body.models.map((model) => ({ id: model.name }));
    }
    case "anthropic": {
      const headers = { "x-api-key": provider.apiKey ?? "", "anthropic-version": "2023-06-01" };
      const body = openAIModelsSchema.parse(await requestJson(`${providerBaseUrl(provider)}/v1/models`, { ...request, headers }));
      return body.data.map((model) => ({ id: model.id }));
    }
    case "local": {
      if (options.localRuntime === undefined) throw new Error(`Provider "${provider.name}" runs models inside Tandem, but no local runtime is available here.`);
      const models = await options.localRuntime.listModels();
      return models.map((model) => ({ id: model.id, contextLength: model.contextLength }));
    }
  }
}

/** The ids of the models a provider serves. */
export async function listProviderModels(provider: ProviderConfig, options: ListModelsOptions = {}): Promise<string[]> {
  return (await listProviderModelEntries(provider, options)).map((model) => model.id);
}

function bearer(provider: ProviderConfig): Record<string, string> {
  return provider.apiKey === undefined ? {} : { authorization: `Bearer ${provider.apiKey}` };
}
