import {
  LlamaChat,
  LlamaCompletion,
  type ChatHistoryItem,
  type Llama,
  type LlamaContextSequence,
  type LlamaEmbeddingContext,
  type LlamaModel,
} from "node-llama-cpp";
import type { GgufFile } from "./list-gguf-files.ts";
import { LocalModelError } from "./local-model-error.ts";
import type {
  LocalChatOptions,
  LocalCompleteOptions,
  LocalEmbedResult,
  LocalGenerationOptions,
  LocalGenerationResult,
} from "./local-model-runtime.ts";
import { PlainChatWrapper } from "./plain-chat-wrapper.ts";

/** Context size when the caller sets none: the model's training context, capped to keep CPU memory modest. */
const defaultMaxContextSize = 4096;

export interface LoadedModelMetadata {
  /** The context the runtime gives the model (llama.cpp may round a requested size up). */
  contextLength: number;
  trainContextLength: number;
  embeddingSize: number;
  hasChatTemplate: boolean;
}

/**
 * One model in memory with one context and one sequence, reused by every request so llama.cpp keeps
 * the evaluated prefix (a repeated system prompt is not evaluated again). Not safe for concurrent
 * use: the runtime calls it through the model's serial queue. `calledAt` (a `performance.now()`
 * value) is when the caller asked, so latency includes queueing and loading.
 */
export interface LoadedLocalModel {
  readonly id: string;
  readonly metadata: LoadedModelMetadata;
  chat(options: LocalChatOptions, calledAt: number): Promise<LocalGenerationResult>;
  complete(options: LocalCompleteOptions, calledAt: number): Promise<LocalGenerationResult>;
  embed(texts: string[], signal: AbortSignal | undefined, calledAt: number): Promise<LocalEmbedResult>;
  countTokens(text: string): number;
  dispose(): Promise<void>;
}

export interface LoadLocalModelOptions {
  llama: Llama;
  file: GgufFile;
  threads: number;
  contextSize?: number;
}

export async function loadLocalModel({ llama, file, threads, contextSize }: LoadLocalModelOptions): Promise<LoadedLocalModel> {
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: file.path });
  } catch (error) {
    throw new LocalModelError("load_failed", `Could not load model "${file.id}" from ${file.path}: ${describe(error)}`, { cause: error });
  }
  let sequence: LlamaContextSequence;
  const resolvedContextSize = contextSize ?? Math.min(model.trainContextSize, defaultMaxContextSize);
  try {
    const context = await model.createContext({ contextSize: resolvedContextSize, threads, sequences: 1 });
    sequence = context.getSequence();
  } catch (error) {
    await model.dispose();
    throw new LocalModelError(
      "load_failed",
      `Could not create a ${resolvedContextSize}-token context for model "${file.id}": ${describe(error)}`,
      { cause: error },
    );
  }
  return new NodeLlamaModel(file.id, model, sequence, threads);
}

class NodeLlamaModel implements LoadedLocalModel {
  readonly metadata: LoadedModelMetadata;
  private llamaChat: LlamaChat | undefined;
  private llamaCompletion: LlamaCompletion | undefined;
  private embeddingContext: Promise<LlamaEmbeddingContext> | undefined;

  constructor(
    readonly id: string,
    private readonly model: LlamaModel,
    private readonly sequence: LlamaContextSequence,
    private readonly threads: number,
  ) {
    this.metadata = {
      contextLength: sequence.contextSize,
      trainContextLength: model.trainContextSize,
      embeddingSize: model.embeddingVectorSize,
      hasChatTemplate: typeof model.fileInfo.metadata.tokenizer?.chat_template === "string",
    };
  }

  async chat(options: LocalChatOptions, calledAt: number): Promise<LocalGenerationResult> {
    if (options.messages.length === 0) throw new LocalModelError("invalid_request", "A chat needs at least one message.");
    // Models with a template get node-llama-cpp's matching wrapper; the others the plain format.
    this.llamaChat ??= new LlamaChat({
      contextSequence: this.sequence,
      chatWrapper: this.metadata.hasChatTemplate ? "auto" : new PlainChatWrapper(),
    });
    const llamaChat = this.llamaChat;
    const history: ChatHistoryItem[] = options.messages.map((message): ChatHistoryItem => {
      if (message.role === "system") return { type: "system", text: message.content };
      if (message.role === "user") return { type: "user", text: message.content };
      return { type: "model", response: [message.content] };
    });
    history.push({ type: "model", response: [] });
    const { contextText } = llamaChat.chatWrapper.generateContextState({ chatHistory: history });
    const tokensIn = contextText.tokenize(this.model.tokenizer).length;
    return this.generate(options, calledAt, tokensIn, true, async (maxTokens, callbacks) => {
      const result = await llamaChat.generateResponse(history, {
        ...this.samplingOptions(options),
        ...callbacks,
        maxTokens,
      });
      return { text: result.response, stopReason: result.metadata.stopReason };
    });
  }

  async complete(options: LocalCompleteOptions, calledAt: number): Promise<LocalGenerationResult> {
    this.llamaCompletion ??= new LlamaCompletion({ contextSequence: this.sequence });
    const llamaCompletion = this.llamaCompletion;
    // Tokenized here, once, so the count is exact. Plainly, as llama.cpp does: LlamaCompletion's own
    // "trimLeadingSpace" tokenizing splits a SentencePiece model's first word into letters.
    const promptTokens = this.model.tokenize(options.prompt);
    const tokensIn = promptTokens.length + (this.model.tokens.shouldPrependBosToken ? 1 : 0);
    return this.generate(options, calledAt, tokensIn, false, async (maxTokens, callbacks) => {
      const result = await llamaCompletion.generateCompletionWithMeta(promptTokens, {
        ...this.samplingOptions(options),
        ...callbacks,
        maxTokens,
        // Fail loudly instead of LlamaCompletion's silent dropping of the prompt's start.
        disableContextShift: true,
        contextShiftSize: 0,
      });
      return { text: result.response, stopReason: result.metadata.stopReason };
    });
  }

  async embed(texts: string[], signal: AbortSignal | undefined, calledAt: number): Promise<LocalEmbedResult> {
    this.embeddingContext ??= this.model.createEmbeddingContext({ contextSize: this.sequence.contextSize, threads: this.threads });
    let embeddingContext: LlamaEmbeddingContext;
    try {
      embeddingContext = await this.embeddingContext;
    } catch (error) {
      this.embeddingContext = undefined;
      throw new LocalModelError("load_failed", `Could not create an embedding context for model "${this.id}": ${describe(error)}`, {
        cause: error,
      });
    }
    const vectors: number[][] = [];
    let tokensIn = 0;
    for (const [index, text] of texts.entries()) {
      if (signal?.aborted) throw abortedDuringRequest(signal);
      const tokens = this.countTokens(text);
      if (tokens === 0) throw new LocalModelError("invalid_request", `Input ${index} is empty: there is nothing to embed.`);
      if (tokens > this.sequence.contextSize) {
        throw new LocalModelError(
          "context_overflow",
          `Input ${index} has ${tokens} tokens; model "${this.id}" embeds at most ${this.sequence.contextSize} at once.`,
        );
      }
      tokensIn += tokens;
      const embedding = await embeddingContext.getEmbeddingFor(text);
      vectors.push(Array.from(embedding.vector));
    }
    return { vectors, usage: { tokensIn, latencyMs: performance.now() - calledAt } };
  }

  countTokens(text: string): number {
    return this.model.tokenize(text).length;
  }

  async dispose(): Promise<void> {
    this.llamaChat?.dispose({ disposeSequence: false });
    this.llamaCompletion?.dispose({ disposeSequence: false });
    const embeddingContext = await this.embeddingContext?.catch(() => undefined);
    await embeddingContext?.dispose();
    // Disposing the model disposes its context and sequence too.
    await this.model.dispose();
  }

  private samplingOptions(options: LocalGenerationOptions): {
    temperature?: number;
    topP?: number;
    seed?: number;
    customStopTriggers?: string[];
  } {
    return {
      ...(options.temperature !== undefined && { temperature: options.temperature }),
      ...(options.topP !== undefined && { topP: options.topP }),
      ...(options.seed !== undefined && { seed: options.seed }),
      ...(options.stop !== undefined && options.stop.length > 0 && { customStopTriggers: options.stop }),
    };
  }

  /**
   * Shared by chat and completion: room in the context, callbacks, abort mapping and usage. The hot
   * path stays node-llama-cpp's own loop: without `onToken` only a token-count callback that notes
   * the first token's time is added (asking for text chunks would make llama.cpp detokenize each token).
   */
  private async generate(
    options: LocalGenerationOptions,
    calledAt: number,
    tokensIn: number,
    trimLeadingWhitespace: boolean,
    run: (
      maxTokens: number,
      callbacks: { signal?: AbortSignal; onToken?: () => void; onTextChunk?: (text: string) => void },
    ) => Promise<{ text: string; stopReason: string }>,
  ): Promise<LocalGenerationResult> {
    const contextSize = this.sequence.contextSize;
    const room = contextSize - tokensIn;
    if (room < 1) {
      throw new LocalModelError(
        "context_overflow",
        `The prompt has ${tokensIn} tokens; model "${this.id}" runs with a ${contextSize}-token context, which leaves no room for an answer.`,
      );
    }
    if (options.maxTokens !== undefined && !(Number.isInteger(options.maxTokens) && options.maxTokens > 0)) {
      throw new LocalModelError("invalid_request", `maxTokens must be a positive integer, got ${options.maxTokens}.`);
    }
    const maxTokens = Math.min(options.maxTokens ?? room, room);
    const startedAt = performance.now();
    let firstTokenAt = 0;
    const callbacks: { signal?: AbortSignal; onToken?: () => void; onTextChunk?: (text: string) => void } = {};
    if (options.signal !== undefined) callbacks.signal = options.signal;
    const onToken = options.onToken;
    if (onToken === undefined) {
      callbacks.onToken = () => {
        if (firstTokenAt === 0) firstTokenAt = performance.now();
      };
    } else {
      let leading = trimLeadingWhitespace;
      callbacks.onTextChunk = (chunk) => {
        if (firstTokenAt === 0) firstTokenAt = performance.now();
        if (leading) {
          // The plain chat format ends with "Assistant:", so answers start with a space.
          chunk = chunk.trimStart();
          if (chunk === "") return;
          leading = false;
        }
        onToken(chunk);
      };
    }
    const meterBefore = this.sequence.tokenMeter.getState();
    let generated: { text: string; stopReason: string };
    try {
      generated = await run(maxTokens, callbacks);
    } catch (error) {
      if (options.signal?.aborted) throw abortedDuringRequest(options.signal, error);
      throw error;
    }
    const finishedAt = performance.now();
    const tokensOut = this.sequence.tokenMeter.diff(meterBefore).usedOutputTokens;
    const generationSeconds = (finishedAt - startedAt) / 1000;
    return {
      text: trimLeadingWhitespace ? generated.text.trimStart() : generated.text,
      finishReason: generated.stopReason === "maxTokens" ? "length" : "stop",
      usage: {
        tokensIn,
        tokensOut,
        ...(firstTokenAt > 0 && { timeToFirstTokenMs: firstTokenAt - calledAt }),
        ...(tokensOut > 0 && generationSeconds > 0 && { tokensPerSecond: tokensOut / generationSeconds }),
        latencyMs: finishedAt - calledAt,
      },
    };
  }
}

function abortedDuringRequest(signal: AbortSignal, cause?: unknown): LocalModelError {
  const reason: unknown = signal.reason;
  const detail = reason instanceof Error && reason.name !== "AbortError" ? `: ${reason.message}` : "";
  return new LocalModelError("aborted", `The request was aborted${detail}.`, { cause: cause ?? reason });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
