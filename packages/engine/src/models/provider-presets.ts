import type { ProviderConfig, ProviderKind } from "./provider-config.ts";

/**
 * Servers and clouds Tandem knows: where they listen by default, whether they run on the user's
 * machines, and a few models to suggest. A provider names its preset; its own `baseUrl` wins.
 */
export interface ProviderPreset {
  displayName: string;
  /** The kind a new provider of this preset gets. */
  kind: ProviderKind;
  /** Default base URL for each kind the server speaks (Ollama speaks both its own API and OpenAI's). */
  baseUrls: Partial<Record<ProviderKind, string>>;
  isLocal: boolean;
  defaultModels: readonly string[];
  /** Context length of the preset's models when nothing more precise is known. */
  contextLength?: number;
  /** Native tool calling works for the preset's chat models. */
  tools?: boolean;
  /** `response_format: json_schema` is accepted (otherwise the gateway asks for `json_object`). */
  jsonSchema?: boolean;
}

export const providerPresets = {
  ollama: {
    displayName: "Ollama",
    kind: "ollama",
    baseUrls: { ollama: "http://127.0.0.1:11434", openai_compatible: "http://127.0.0.1:11434/v1" },
    isLocal: true,
    defaultModels: ["qwen2.5:3b", "llama3.2:3b", "qwen2.5:7b", "nomic-embed-text", "bge-m3"],
    jsonSchema: true,
  },
  llamacpp: {
    displayName: "llama.cpp server",
    kind: "openai_compatible",
    baseUrls: { openai_compatible: "http://127.0.0.1:8080/v1" },
    isLocal: true,
    defaultModels: [],
    jsonSchema: true,
  },
  vllm: {
    displayName: "vLLM",
    kind: "openai_compatible",
    baseUrls: { openai_compatible: "http://127.0.0.1:8000/v1" },
    isLocal: true,
    defaultModels: [],
    jsonSchema: true,
  },
  lmstudio: {
    displayName: "LM Studio",
    kind: "openai_compatible",
    baseUrls: { openai_compatible: "http://127.0.0.1:1234/v1" },
    isLocal: true,
    defaultModels: [],
    jsonSchema: true,
  },
  localai: {
    displayName: "LocalAI",
    kind: "openai_compatible",
    baseUrls: { openai_compatible: "http://127.0.0.1:8080/v1" },
    isLocal: true,
    defaultModels: [],
  },
  xinference: {
    displayName: "Xinference",
    kind: "openai_compatible",
    baseUrls: { openai_compatible: "http://127.0.0.1:9997/v1" },
    isLocal: true,
    defaultModels: [],
  },
  embedded: {
    displayName: "Tandem (embedded GGUF)",
    kind: "local",
    baseUrls: {},
    isLocal: true,
    defaultModels: [],
  },
  openai: {
    displayName: "OpenAI",
    kind: "openai_compatible",
    baseUrls: { openai_compatible: "https://api.openai.com/v1" },
    isLocal: false,
    defaultModels: ["gpt-4o-mini", "gpt-4.1-mini", "gpt-4o", "gpt-4.1", "text-embedding-3-small", "text-embedding-3-large"],
    contextLength: 128_000,
    tools: true,
    jsonSchema: true,
  },
  deepseek: {
    displayName: "DeepSeek",
    kind: "openai_compatible",
    baseUrls: { openai_compatible: "https://api.deepseek.com/v1" },
    isLocal: false,
    defaultModels: ["deepseek-chat", "deepseek-reasoner"],
    contextLength: 128_000,
    tools: true,
  },
  qwen: {
    displayName: "Qwen (DashScope)",
    kind: "openai_compatible",
    baseUrls: { openai_compatible: "https://dashscope.aliyuncs.com/compatible-mode/v1" },
    isLocal: false,
    defaultModels: ["qwen-turbo", "qwen-plus", "qwen-max", "text-embedding-v3"],
    contextLength: 131_072,
    tools: true,
  },
  moonshot: {
    displayName: "Moonshot (Kimi)",
    kind: "openai_compatible",
    baseUrls: { openai_compatible: "https://api.moonshot.cn/v1" },
    isLocal: false,
    defaultModels: ["moonshot-v1-8k", "moonshot-v1-32k", "moonshot-v1-128k", "kimi-k2-0905-preview"],
    contextLength: 128_000,
    tools: true,
  },
  zhipu: {
    displayName: "Zhipu (GLM)",
    kind: "openai_compatible",
    baseUrls: { openai_compatible: "https://open.bigmodel.cn/api/paas/v4" },
    isLocal: false,
    defaultModels: ["glm-4-flash", "glm-4-plus", "glm-4.5", "embedding-3"],
    contextLength: 128_000,
    tools: true,
  },
  siliconflow: {
    displayName: "SiliconFlow",
    kind: "openai_compatible",
    baseUrls: { openai_compatible: "https://api.siliconflow.cn/v1" },
    isLocal: false,
    defaultModels: ["Qwen/Qwen2.5-7B-Instruct", "deepseek-ai/DeepSeek-V3", "BAAI/bge-m3"],
    contextLength: 32_768,
    tools: true,
  },
  openrouter: {
    displayName: "OpenRouter",
    kind: "openai_compatible",
    baseUrls: { openai_compatible: "https://openrouter.ai/api/v1" },
    isLocal: false,
    defaultModels: ["openai/gpt-4o-mini", "anthropic/claude-3.5-haiku", "meta-llama/llama-3.1-8b-instruct"],
    contextLength: 128_000,
    tools: true,
  },
  anthropic: {
    displayName: "Anthropic",
    kind: "anthropic",
    baseUrls: { anthropic: "https://api.anthropic.com" },
    isLocal: false,
    defaultModels: ["claude-3-5-haiku-latest", "claude-sonnet-4-5", "claude-haiku-4-5"],
    contextLength: 200_000,
    tools: true,
  },
} as const satisfies Record<string, ProviderPreset>;

export type ProviderPresetId = keyof typeof providerPresets;

export function isProviderPresetId(id: string): id is ProviderPresetId {
  return Object.hasOwn(providerPresets, id);
}

export function findPreset(id: string | undefined): ProviderPreset | undefined {
  return id !== undefined && isProviderPresetId(id) ? providerPresets[id] : undefined;
}

/** The base URL requests go to: the provider's own, else its preset's default for its kind. */
export function providerBaseUrl(provider: Pick<ProviderConfig, "name" | "kind" | "preset" | "baseUrl">): string {
  const url = provider.baseUrl ?? findPreset(provider.preset)?.baseUrls[provider.kind];
  if (url === undefined) {
    throw new Error(`Provider "${provider.name}" has no base URL: set one (its preset gives none for kind ${provider.kind}).`);
  }
  return url.replace(/\/+$/, "");
}
