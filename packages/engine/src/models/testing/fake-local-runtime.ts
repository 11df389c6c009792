import type { LocalChatRequest, LocalModelRuntime } from "../../ports/local-model-runtime.ts";

/**
 * Test support: a stand-in for `@tandem/local-models` (the embedded GGUF runtime, which the engine
 * cannot import) that answers "local answer to: <prompt>" word by word and records its requests.
 * The real runtime's own tests use the tiny GGUF model.
 */
export interface FakeLocalRuntime extends LocalModelRuntime {
  readonly requests: LocalChatRequest[];
  readonly embedded: string[][];
}

export function createFakeLocalRuntime(options: { models?: string[]; reportUsage?: boolean } = {}): FakeLocalRuntime {
  const requests: LocalChatRequest[] = [];
  const embedded: string[][] = [];
  const models = options.models ?? ["stories260K"];
  return {
    requests,
    embedded,
    async chat(request) {
      requests.push(request);
      if (!models.includes(request.model)) throw new Error(`No local model "${request.model}"`);
      const prompt = request.messages.at(-1)?.content ?? "";
      const text = `local answer to: ${prompt}`;
      for (const word of text.split(/(?=\s)/)) {
        request.signal.throwIfAborted();
        request.onToken?.(word);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const reportUsage = options.reportUsage ?? true;
      return {
        text,
        finishReason: "stop",
        usage: { tokensIn: reportUsage ? 7 : 0, tokensOut: reportUsage ? 5 : 0, latencyMs: reportUsage ? 12 : 0 },
      };
    },
    async embed(request) {
      embedded.push(request.texts);
      return { vectors: request.texts.map((text) => [text.length, 1, 0]) };
    },
    async listModels() {
      return models.map((id) => ({ id, contextLength: 2048 }));
    },
  };
}
