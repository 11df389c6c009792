import { z } from "zod";
import { createChatRunnable, textOf } from "./create-chat-model.ts";
import { createEmbeddings } from "./create-embeddings.ts";
import { listProviderModelEntries } from "./list-provider-models.ts";
import type { ModelCapabilities, ProviderConfig } from "./provider-config.ts";
import { findPreset, providerBaseUrl } from "./provider-presets.ts";
import { requestJson } from "./request-json.ts";
import { toLangChainMessages } from "./to-langchain-messages.ts";
import type { LocalModelRuntime } from "../ports/local-model-runtime.ts";

export interface ProbeOptions {
  signal?: AbortSignal;
  /** Per probe; a local server loading a model for the first time may need a while. Default 60 s. */
  timeoutMs?: number;
  localRuntime?: LocalModelRuntime;
}

/** The tool the tool-calling probe offers; the prompt names it so that any model knows what to do. */
export const PROBE_TOOL = {
  name: "get_current_time",
  description: "Returns the current time in a time zone.",
  parameters: { type: "object", properties: { timezone: { type: "string" } }, required: ["timezone"] },
};
export const PROBE_PROMPTS = {
  chat: "Reply with the single word: pong",
  tools: `Call the tool ${PROBE_TOOL.name} for the time zone UTC.`,
  json: 'Reply with this JSON object and nothing else: {"ok": true}',
} as const;

/**
 * Finds out what a model really does by calling it: a chat, a stream, a tool call, JSON mode and an
 * embedding, each independent (a failure is `false`, never an exception), plus its context length
 * from the server (Ollama's `/api/show`, llama.cpp's `/props`, vLLM's model listing) or null.
 */
export async function probeModel(provider: ProviderConfig, model: string, options: ProbeOptions = {}): Promise<ModelCapabilities> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const signal = () => AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(options.signal === undefined ? [] : [options.signal])]);
  const attempt = async (probe: () => Promise<boolean>) => probe().catch(() => false);
  const probes = provider.kind === "local" ? localProbes(provider, model, signal, options.localRuntime) : remoteProbes(provider, model, signal);
  const [chat, streaming, tools, json, embeddings, contextLength] = await Promise.all([
    attempt(probes.chat),
    attempt(probes.streaming),
    attempt(probes.tools),
    attempt(probes.json),
    attempt(probes.embeddings),
    probes.contextLength().catch(() => null),
  ]);
  return { chat, streaming, tools, json, embeddings, contextLength, probedAt: new Date().toISOString() };
}

interface Probes {
  chat: () => Promise<boolean>;
  streaming: () => Promise<boolean>;
  tools: () => Promise<boolean>;
  json: () => Promise<boolean>;
  embeddings: () => Promise<boolean>;
  contextLength: () => Promise<number | null>;
}

function remoteProbes(provider: ProviderConfig, model: string, signal: () => AbortSignal): Probes {
  const ask = (prompt: string) => toLangChainMessages([{ role: "user", content: prompt }]);
  const runnable = (request: Parameters<typeof createChatRunnable>[3], callSignal: AbortSignal) =>
    createChatRunnable(provider, model, { maxTokens: 64, temperature: 0, signal: callSignal }, request);
  return {
    async chat() {
      const callSignal = signal();
      const message = await runnable({}, callSignal).invoke(ask(PROBE_PROMPTS.chat), { signal: callSignal });
      return textOf(message.content).trim().length > 0;
    },
    async streaming() {
      const callSignal = signal();
      let chunks = 0;
      for await (const chunk of await runnable({}, callSignal).stream(ask(PROBE_PROMPTS.chat), { signal: callSignal })) {
        if (textOf(chunk.content).length > 0) chunks += 1;
      }
      return chunks > 0;
    },
    async tools() {
      const callSignal = signal();
      const message = await runnable({ tools: [PROBE_TOOL] }, callSignal).invoke(ask(PROBE_PROMPTS.tools), { signal: callSignal });
      return (message.tool_calls ?? []).some((call) => call.name === PROBE_TOOL.name);
    },
    async json() {
      const callSignal = signal();
      const message = await runnable({ responseFormat: { type: "json" } }, callSignal).invoke(ask(PROBE_PROMPTS.json), { signal: callSignal });
      return isJsonObject(textOf(message.content));
    },
    async embeddings() {
      const vector = await createEmbeddings(provider, model, { signal: signal() }).embedQuery("ping");
      return vector.length > 0 && vector.every((value) => Number.isFinite(value));
    },
    contextLength: () => remoteContextLength(provider, model, signal()),
  };
}

function localProbes(provider: ProviderConfig, model: string, signal: () => AbortSignal, runtime: LocalModelRuntime | undefined): Probes {
  const need = (): LocalModelRuntime => {
    if (runtime === undefined) throw new Error(`Provider "${provider.name}" needs the local runtime.`);
    return runtime;
  };
  const chat = (prompt: string, extra: { onToken?: (text: string) => void; json?: boolean } = {}) =>
    need().chat({
      model,
      messages: [{ role: "user", content: prompt }],
      maxTokens: 32,
      temperature: 0,
      signal: signal(),
      onToken: extra.onToken,
      responseFormat: extra.json ? { type: "json" } : undefined,
    });
  return {
    chat: async () => (await chat(PROBE_PROMPTS.chat)).text.length > 0,
    async streaming() {
      let tokens = 0;
      await chat(PROBE_PROMPTS.chat, { onToken: () => (tokens += 1) });
      return tokens > 0;
    },
    // The embedded runtime has no native tool calls: agents use ReAct prompts with it.
    tools: () => Promise.resolve(false),
    json: async () => isJsonObject((await chat(PROBE_PROMPTS.json, { json: true })).text),
    embeddings: async () => ((await need().embed({ model, texts: ["ping"], signal: signal() })).vectors[0]?.length ?? 0) > 0,
    async contextLength() {
      const entry = (await need().listModels()).find((listed) => listed.id === model);
      return entry?.contextLength ?? null;
    },
  };
}

const ollamaShowSchema = z.object({ model_info: z.record(z.string(), z.unknown()).optional() });
const llamaCppPropsSchema = z.object({
  n_ctx: z.number().optional(),
  default_generation_settings: z.object({ n_ctx: z.number().optional() }).passthrough().optional(),
});

/** The server's own figure for the model's context length, or null when it does not say. */
async function remoteContextLength(provider: ProviderConfig, model: string, signal: AbortSignal): Promise<number | null> {
  const base = providerBaseUrl(provider);
  const root = base.replace(/\/v1$/, "");
  const preset = provider.preset;
  if (provider.kind === "ollama" || preset === "ollama") {
    const body = ollamaShowSchema.parse(await requestJson(`${root}/api/show`, { method: "POST", body: { model }, signal }));
    const entry = Object.entries(body.model_info ?? {}).find(([key, value]) => key.endsWith(".context_length") && typeof value === "number");
    return typeof entry?.[1] === "number" ? entry[1] : null;
  }
  if (provider.kind !== "openai_compatible") return findPreset(preset)?.contextLength ?? null;
  const listed = await listProviderModelEntries(provider, { signal }).catch(() => []);
  const fromListing = listed.find((entry) => entry.id === model)?.contextLength;
  if (fromListing !== undefined) return fromListing;
  if (preset === "llamacpp" || preset === undefined) {
    const props = await requestJson(`${root}/props`, { signal }).then((body) => llamaCppPropsSchema.parse(body)).catch(() => null);
    const fromProps = props?.default_generation_settings?.n_ctx ?? props?.n_ctx;
    if (fromProps !== undefined) return fromProps;
  }
  return findPreset(preset)?.contextLength ?? null;
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text.trim().replace(/^```(?:json)?\s*|\s*```$/g, ""));
    return typeof value === "object" && value !== null;
  } catch {
    return false;
  }
}
