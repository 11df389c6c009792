import type { Llama } from "node-llama-cpp";

/** Options of `createLocalModelRuntime`. */
export interface LocalModelRuntimeOptions {
  /** Folder of `.gguf` files; a file `name.gguf` is the model `name`. Read on demand, so files added later appear. */
  modelsDir: string;
  /** Models kept in memory; loading one more unloads the least recently used (after its queued requests). Default 2. */
  maxLoadedModels?: number;
  /** CPU threads per context. Default: 1 on machines with ≤ 2 cores, otherwise cores − 1 (see `defaultThreadCount`). */
  threads?: number;
  /** Tokens of context per model. Default: the model's training context, at most 4,096. */
  contextSize?: number;
  /**
   * A llama.cpp binding to share (tests, benches). Default: the runtime makes one on first use with
   * `getLlama({ gpu: false, build: "never" })`, never downloading or compiling, and disposes it on `close()`.
   */
  llama?: Llama;
}

/** One GGUF file of the models folder. */
export interface LocalModelInfo {
  id: string;
  sizeBytes: number;
  /** Whether the model is in memory now. */
  loaded: boolean;
  /** Tokens of context the runtime gives the model (prompt and answer together); known once loaded. */
  contextLength?: number;
  /** The context the model was trained with; known once loaded. */
  trainContextLength?: number;
  /** Length of the vectors `embed` returns; known once loaded. */
  embeddingSize?: number;
  /** Whether the file ships a chat template; without one `chat` uses the plain "System/User/Assistant" format. */
  hasChatTemplate?: boolean;
  modifiedAt: Date;
}

export interface LocalModelUsage {
  /** Tokens of the prompt as the model saw it (with the chat format and start token). */
  tokensIn: number;
  tokensOut: number;
  /** From the call to the first generated token, queueing and loading included. */
  timeToFirstTokenMs?: number;
  /** Generated tokens per second, from the moment the request got the model (prompt processing included). */
  tokensPerSecond?: number;
  /** From the call to the answer, queueing and loading included. */
  latencyMs: number;
}

export type LocalFinishReason = "stop" | "length";

export interface LocalGenerationOptions {
  model: string;
  /** Upper bound on generated tokens; also capped by the room left in the context. Default: all the room left. */
  maxTokens?: number;
  /** 0 (the default) picks the most likely token every time, so answers are reproducible. */
  temperature?: number;
  topP?: number;
  seed?: number;
  /** Extra texts that end the answer (not included in it). */
  stop?: string[];
  signal?: AbortSignal;
  /** Receives the answer as it is generated; the chunks concatenate to the final `text`. */
  onToken?: (text: string) => void;
}

export interface LocalChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface LocalChatOptions extends LocalGenerationOptions {
  messages: LocalChatMessage[];
}

export interface LocalCompleteOptions extends LocalGenerationOptions {
  prompt: string;
}

export interface LocalGenerationResult {
  text: string;
  finishReason: LocalFinishReason;
  usage: LocalModelUsage;
}

export interface LocalEmbedOptions {
  model: string;
  texts: string[];
  signal?: AbortSignal;
}

export interface LocalEmbedResult {
  vectors: number[][];
  usage: { tokensIn: number; latencyMs: number };
}

/**
 * GGUF models run in this process by llama.cpp (node-llama-cpp), on the CPU. Requests to one model
 * run one at a time in arrival order; different models run side by side. Errors are `LocalModelError`s.
 */
export interface LocalModelRuntime {
  readonly modelsDir: string;
  listModels(): Promise<LocalModelInfo[]>;
  chat(options: LocalChatOptions): Promise<LocalGenerationResult>;
  complete(options: LocalCompleteOptions): Promise<LocalGenerationResult>;
  embed(options: LocalEmbedOptions): Promise<LocalEmbedResult>;
  /** Tokens of `text` in the model's own vocabulary (loads the model if needed). */
  countTokens(model: string, text: string): Promise<number>;
  /** Unloads every model (after the requests already queued) and frees llama.cpp if the runtime made it. */
  close(): Promise<void>;
}
