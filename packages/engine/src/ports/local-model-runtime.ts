/**
 * Models run inside Tandem (GGUF files through node-llama-cpp, in `@tandem/local-models`), reached
 * directly by the model gateway for providers of kind `"local"`: no HTTP server, no LangChain.
 * Model ids are what `listModels` returns (e.g. `"stories260K"`, referenced as `"local:stories260K"`).
 */
export interface LocalModelRuntime {
  chat(request: LocalChatRequest): Promise<LocalChatResult>;
  embed(request: LocalEmbedRequest): Promise<{ vectors: number[][] }>;
  listModels(): Promise<LocalModelEntry[]>;
  /** The model's own tokenizer, when the runtime has it loaded; the gateway counts with cl100k otherwise. */
  countTokens?(model: string, text: string): number | Promise<number>;
}

export interface LocalChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
}

export interface LocalChatRequest {
  model: string;
  messages: LocalChatMessage[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  /** Stop generating and reject (with the signal's reason) when aborted. */
  signal: AbortSignal;
  /** Called with each piece of text as it is generated. */
  onToken?: (text: string) => void;
  /** A hint: constrain the output to JSON (a grammar) when the runtime can; ignoring it is allowed. */
  responseFormat?: { type: "json"; schema?: Record<string, unknown> };
}

export interface LocalChatResult {
  text: string;
  finishReason?: "stop" | "length";
  usage: {
    tokensIn: number;
    tokensOut: number;
    timeToFirstTokenMs?: number;
    tokensPerSecond?: number;
    latencyMs: number;
  };
}

export interface LocalEmbedRequest {
  model: string;
  texts: string[];
  signal?: AbortSignal;
}

export interface LocalModelEntry {
  id: string;
  contextLength?: number;
  /** True for embedding-only models. */
  embedding?: boolean;
}
