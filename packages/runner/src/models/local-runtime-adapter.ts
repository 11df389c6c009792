import type { LocalModelRuntime as EnginePort } from "@tandem/engine";
import type { LocalModelRuntime } from "@tandem/local-models";

/**
 * The embedded GGUF runtime seen through the engine's port. The runtime speaks system/user/assistant
 * only, so tool results become user turns that say what they are.
 */
export function adaptLocalRuntime(runtime: LocalModelRuntime): EnginePort {
  return {
    async chat(request) {
      const result = await runtime.chat({
        model: request.model,
        messages: request.messages.map((message) =>
          message.role === "tool" ? { role: "user" as const, content: `Tool result: ${message.content}` } : { role: message.role, content: message.content },
        ),
        signal: request.signal,
        ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.topP !== undefined ? { topP: request.topP } : {}),
        ...(request.onToken ? { onToken: request.onToken } : {}),
      });
      return { text: result.text, finishReason: result.finishReason, usage: result.usage };
    },
    async embed(request) {
      const result = await runtime.embed({ model: request.model, texts: request.texts, ...(request.signal ? { signal: request.signal } : {}) });
      return { vectors: result.vectors };
    },
    async listModels() {
      const models = await runtime.listModels();
      return models.map((model) => ({ id: model.id, ...(model.contextLength !== undefined ? { contextLength: model.contextLength } : {}) }));
    },
    countTokens: (model, text) => runtime.countTokens(model, text),
  };
}
