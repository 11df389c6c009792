import { findPreset } from "./provider-presets.ts";
import type { ProviderConfig } from "./provider-config.ts";
import type { ModelInfo } from "../ports/model-gateway.ts";

const UNKNOWN_LOCAL_CONTEXT = 4096;
const KNOWN_CLOUD_CONTEXT = 128_000;

/** Names of embedding models: they embed, and do not chat. */
const EMBEDDING_MODEL = /(embed|bge-|bge:|^bge|\be5-|gte-|minilm|mxbai)/i;

/**
 * Local model families whose chat templates carry native tool calls (Ollama, llama.cpp with --jinja,
 * vLLM with a tool parser). Others get `tools: false`, and the agent node falls back to ReAct prompts.
 */
const TOOL_CAPABLE_FAMILIES = /(qwen2\.5|qwen3|qwq|llama3\.[123]|llama-3\.[123]|mistral-nemo|mistral-small|mistral-large|command-r|hermes|firefunction|granite3|smollm2|phi4-mini|functionary|glm-4)/i;

/**
 * What is known about a model without calling it: a cached probe first, then the provider's
 * settings, then the model's name and preset; unknown local models get 4096 tokens of context (the
 * usual server default), known clouds their preset's figure or 128k.
 */
export function describeModel(provider: ProviderConfig, model: string): ModelInfo {
  const probed = provider.capabilities?.[model];
  const preset = findPreset(provider.preset);
  const contextLength =
    probed?.contextLength ??
    provider.settings.contextLength ??
    contextFromName(model) ??
    preset?.contextLength ??
    (provider.isLocal ? UNKNOWN_LOCAL_CONTEXT : KNOWN_CLOUD_CONTEXT);
  const base = { provider: provider.name, model, local: provider.isLocal, contextLength };
  if (probed !== undefined) {
    const { chat, streaming, tools, json, embeddings } = probed;
    return { ...base, capabilities: { chat, streaming, tools, json, embeddings } };
  }
  if (EMBEDDING_MODEL.test(model)) {
    return { ...base, capabilities: { chat: false, streaming: false, tools: false, json: false, embeddings: true } };
  }
  switch (provider.kind) {
    case "local":
      return { ...base, capabilities: { chat: true, streaming: true, tools: false, json: false, embeddings: false } };
    case "anthropic":
      return { ...base, capabilities: { chat: true, streaming: true, tools: true, json: false, embeddings: false } };
    case "openai_compatible":
    case "ollama": {
      const tools = provider.isLocal ? TOOL_CAPABLE_FAMILIES.test(model) : (preset?.tools ?? true);
      return { ...base, capabilities: { chat: true, streaming: true, tools, json: true, embeddings: false } };
    }
  }
}

/** `moonshot-v1-32k` → 32768. */
function contextFromName(model: string): number | undefined {
  const match = /-(\d{1,4})k$/i.exec(model);
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
}
