export { createLocalModelRuntime } from "./create-local-model-runtime.ts";
export { defaultThreadCount } from "./default-thread-count.ts";
export { isLocalModelError, LocalModelError, localModelErrorCodes, type LocalModelErrorCode } from "./local-model-error.ts";
export type {
  LocalChatMessage,
  LocalChatOptions,
  LocalCompleteOptions,
  LocalEmbedOptions,
  LocalEmbedResult,
  LocalFinishReason,
  LocalGenerationOptions,
  LocalGenerationResult,
  LocalModelInfo,
  LocalModelRuntime,
  LocalModelRuntimeOptions,
  LocalModelUsage,
} from "./local-model-runtime.ts";
export { PlainChatWrapper } from "./plain-chat-wrapper.ts";
export { handleOpenAiRequest, type OpenAiHttpRequest } from "./openai/handle-openai-request.ts";
export type { OpenAiErrorBody, OpenAiHttpResponse } from "./openai/openai-response.ts";
export { startLocalOpenAiServer, type LocalOpenAiServer, type LocalOpenAiServerOptions } from "./openai/start-local-openai-server.ts";
export { toWebResponse } from "./openai/to-web-response.ts";
