import { ChatAnthropic } from "@langchain/anthropic";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import type { AIMessageChunk, MessageContent } from "@langchain/core/messages";
import type { Runnable } from "@langchain/core/runnables";
import { ChatOllama } from "@langchain/ollama";
import { ChatOpenAI } from "@langchain/openai";
import { countTokens } from "./count-tokens.ts";
import { createModelFetch } from "./model-fetch.ts";
import { findPreset, providerBaseUrl } from "./provider-presets.ts";
import type { ProviderConfig } from "./provider-config.ts";
import type { ChatRequest, ToolDefinition } from "../ports/model-gateway.ts";

export interface ChatModelOptions {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  /** Client-side timeout of one HTTP request. */
  timeoutMs?: number;
  /**
   * Cancels every HTTP request the model makes. Passed into the client's `fetch`, because some clients
   * (ChatOllama) only look at the call's signal between streamed chunks.
   */
  signal?: AbortSignal;
}

/** The runnable the gateway invokes or streams: a chat model with its tools and output format bound. */
export type ChatRunnable = Runnable<BaseLanguageModelInput, AIMessageChunk>;

/** Key sent to servers that need none: the OpenAI client refuses an empty key and would read OPENAI_API_KEY. */
const NO_API_KEY = "not-needed";

/**
 * Builds the LangChain chat model of a provider's model. Retries are off (`maxRetries: 0`): the gateway
 * falls back across models instead. Token counting is replaced by the bundled-ranks counter, because
 * LangChain's downloads BPE files from the internet (minutes of retries when air-gapped).
 */
export function createChatModel(provider: ProviderConfig, model: string, options: ChatModelOptions = {}): BaseChatModel {
  return buildChatModel(provider, model, options).chatModel;
}

/**
 * The chat model with tools (OpenAI function format, which all three integrations accept) and the
 * JSON output mode of its protocol bound: `response_format` for OpenAI-compatible servers
 * (`json_schema` where the preset supports it), `format` for Ollama (a schema too). Anthropic has no
 * JSON mode: the gateway's prompt asks for JSON.
 */
export function createChatRunnable(
  provider: ProviderConfig,
  model: string,
  options: ChatModelOptions,
  request: { tools?: ToolDefinition[]; responseFormat?: ChatRequest["responseFormat"] },
  cache?: ChatModelCache,
): ChatRunnable {
  const tools = (request.tools ?? []).map(toOpenAITool);
  const format = request.responseFormat;
  const built = cache?.get(provider, model, options) ?? buildChatModel(provider, model, options);
  switch (built.kind) {
    case "openai": {
      const responseFormat = format === undefined ? undefined : openAIResponseFormat(provider, format.schema);
      if (tools.length > 0) return built.chatModel.bindTools(tools, responseFormat === undefined ? {} : { response_format: responseFormat });
      return responseFormat === undefined ? built.chatModel : built.chatModel.withConfig({ response_format: responseFormat });
    }
    case "ollama": {
      const ollamaFormat = format === undefined ? undefined : (format.schema ?? "json");
      if (tools.length > 0) return built.chatModel.bindTools(tools, ollamaFormat === undefined ? {} : { format: ollamaFormat });
      return ollamaFormat === undefined ? built.chatModel : built.chatModel.withConfig({ format: ollamaFormat });
    }
    case "anthropic":
      return tools.length > 0 ? built.chatModel.bindTools(tools) : built.chatModel;
  }
}

/** Chat models built once per provider, model and settings; bigger than this, the oldest are rebuilt when used. */
const MAX_CACHED_MODELS = 256;

/**
 * Chat models of OpenAI-compatible providers, built once and reused by every call with the same
 * settings: building a ChatOpenAI (and its OpenAI client) costs about as much as a call to a local
 * server. Only those: the OpenAI client takes each call's signal, while ChatOllama has it baked into
 * its `fetch` (see ChatModelOptions.signal), so Ollama and Anthropic models are built per call.
 */
export function createChatModelCache() {
  const models = new Map<string, BuiltChatModel>();
  return {
    get(provider: ProviderConfig, model: string, options: ChatModelOptions): BuiltChatModel | undefined {
      if (provider.kind !== "openai_compatible") return undefined;
      const { temperature, maxTokens, topP, timeoutMs } = options;
      const key = JSON.stringify([provider.name, providerBaseUrl(provider), provider.apiKey ?? null, model, temperature ?? null, maxTokens ?? null, topP ?? null, timeoutMs ?? null]);
      let built = models.get(key);
      if (built === undefined) {
        built = buildChatModel(provider, model, { temperature, maxTokens, topP, timeoutMs });
        models.set(key, built);
        const oldest = models.keys().next();
        if (models.size > MAX_CACHED_MODELS && !oldest.done) models.delete(oldest.value);
      }
      return built;
    },
  };
}

export type ChatModelCache = ReturnType<typeof createChatModelCache>;

type BuiltChatModel = { kind: "openai"; chatModel: ChatOpenAI } | { kind: "ollama"; chatModel: ChatOllama } | { kind: "anthropic"; chatModel: ChatAnthropic };

function buildChatModel(provider: ProviderConfig, model: string, options: ChatModelOptions): BuiltChatModel {
  const built = buildForKind(provider, model, options);
  built.chatModel.getNumTokens = (content: MessageContent) => Promise.resolve(countTokens(textOf(content)));
  return built;
}

/** One keep-alive connection pool per process for every model endpoint, as Node's own fetch has. */
const modelFetch = createModelFetch();

function buildForKind(provider: ProviderConfig, model: string, options: ChatModelOptions): BuiltChatModel {
  const { temperature, maxTokens, topP, timeoutMs } = options;
  const fetch = options.signal === undefined ? modelFetch : fetchWithSignal(options.signal);
  switch (provider.kind) {
    case "openai_compatible": {
      const chatModel = new ChatOpenAI({
        model,
        apiKey: provider.apiKey ?? NO_API_KEY,
        configuration: { baseURL: providerBaseUrl(provider), fetch },
        temperature,
        maxTokens,
        topP,
        timeout: timeoutMs,
        maxRetries: 0,
        streamUsage: true,
      });
      return { kind: "openai", chatModel };
    }
    case "ollama": {
      const chatModel = new ChatOllama({
        model,
        baseUrl: providerBaseUrl(provider),
        headers: provider.apiKey === undefined ? undefined : { Authorization: `Bearer ${provider.apiKey}` },
        temperature,
        numPredict: maxTokens,
        topP,
        numCtx: provider.settings.contextLength,
        maxRetries: 0,
        checkOrPullModel: false,
        fetch,
      });
      return { kind: "ollama", chatModel };
    }
    case "anthropic": {
      const chatModel = new ChatAnthropic({
        model,
        apiKey: provider.apiKey ?? NO_API_KEY,
        anthropicApiUrl: providerBaseUrl(provider),
        temperature,
        maxTokens: maxTokens ?? 4096,
        topP,
        maxRetries: 0,
        clientOptions: { timeout: timeoutMs, fetch },
      });
      return { kind: "anthropic", chatModel };
    }
    case "local":
      throw new Error(`Provider "${provider.name}" runs models inside Tandem: the gateway calls its local runtime directly, not LangChain.`);
  }
}

type OpenAIResponseFormat =
  | { type: "json_object" }
  | { type: "json_schema"; json_schema: { name: string; schema: Record<string, unknown>; strict: boolean } };

function openAIResponseFormat(provider: ProviderConfig, schema: Record<string, unknown> | undefined): OpenAIResponseFormat {
  if (schema !== undefined && findPreset(provider.preset)?.jsonSchema === true) {
    // Not strict: OpenAI's strict mode rejects schemas without `additionalProperties: false` everywhere.
    return { type: "json_schema", json_schema: { name: "output", schema, strict: false } };
  }
  return { type: "json_object" };
}

function toOpenAITool(tool: ToolDefinition) {
  return { type: "function" as const, function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}

/** Text of LangChain message content (a string, or blocks of which the text ones count). */
export function textOf(content: MessageContent): string {
  if (typeof content === "string") return content;
  return content
    .map((block) => (typeof block === "string" ? block : block.type === "text" && typeof block.text === "string" ? block.text : ""))
    .join("");
}

/** The model fetch, its requests also aborting with `signal`. */
export function fetchWithSignal(signal: AbortSignal): typeof globalThis.fetch {
  return (input, init) => modelFetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
}
