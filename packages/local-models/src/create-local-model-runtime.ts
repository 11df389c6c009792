import path from "node:path";
import { getLlama, LlamaLogLevel, type Llama } from "node-llama-cpp";
import { defaultThreadCount } from "./default-thread-count.ts";
import { listGgufFiles, type GgufFile } from "./list-gguf-files.ts";
import { loadLocalModel, type LoadedLocalModel, type LoadedModelMetadata } from "./load-local-model.ts";
import { LocalModelError } from "./local-model-error.ts";
import type { LocalModelInfo, LocalModelRuntime, LocalModelRuntimeOptions } from "./local-model-runtime.ts";
import { createSerialQueue, type SerialQueue } from "./serial-queue.ts";

interface ModelEntry {
  id: string;
  /** Every request to this model, and finally its unloading, runs through here. */
  queue: SerialQueue;
  ready: Promise<LoadedLocalModel>;
  /** Set when the entry leaves the LRU map; its unloading is queued behind its requests. */
  evicted: boolean;
}

/**
 * The embedded GGUF runtime. Models load on first use and stay loaded, at most `maxLoadedModels`
 * of them: one more unloads the least recently used once the requests it has queued are done.
 */
export function createLocalModelRuntime(options: LocalModelRuntimeOptions): LocalModelRuntime {
  const modelsDir = path.resolve(options.modelsDir);
  const maxLoadedModels = options.maxLoadedModels ?? 2;
  if (!Number.isInteger(maxLoadedModels) || maxLoadedModels < 1) {
    throw new LocalModelError("invalid_request", `maxLoadedModels must be a positive integer, got ${maxLoadedModels}.`);
  }
  const threads = options.threads ?? defaultThreadCount();
  const ownsLlama = options.llama === undefined;
  /** Insertion order is recency: the first entry is the least recently used. */
  const entries = new Map<string, ModelEntry>();
  /** What loading taught about each model, kept after it is unloaded so `listModels` can show it. */
  const metadataById = new Map<string, LoadedModelMetadata>();
  const unloads = new Set<Promise<void>>();
  let llama: Promise<Llama> | undefined;
  let closed = false;

  function startLlama(): Promise<Llama> {
    llama ??= (options.llama !== undefined
      ? Promise.resolve(options.llama)
      : getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error })
    ).catch((error: unknown) => {
      llama = undefined;
      const detail = error instanceof Error ? error.message : String(error);
      throw new LocalModelError("load_failed", `llama.cpp could not start (no prebuilt CPU binary for this platform?): ${detail}`, {
        cause: error,
      });
    });
    return llama;
  }

  function assertOpen(): void {
    if (closed) throw new LocalModelError("closed", "The local model runtime is closed.");
  }

  async function findFile(id: string): Promise<GgufFile> {
    const files = await listGgufFiles(modelsDir);
    const file = files.find((candidate) => candidate.id === id);
    if (file !== undefined) return file;
    const present = files.length === 0 ? "it holds no .gguf files" : `models there: ${files.map((candidate) => candidate.id).join(", ")}`;
    throw new LocalModelError("model_not_found", `Model "${id}" not found in ${modelsDir} (${present}). A model's id is its file name without .gguf.`);
  }

  /** The model's entry, marked most recently used; undefined when it is not loaded or loading. */
  function touch(id: string): ModelEntry | undefined {
    const entry = entries.get(id);
    if (entry === undefined) return undefined;
    entries.delete(id);
    entries.set(id, entry);
    return entry;
  }

  function createEntry(file: GgufFile): ModelEntry {
    const ready = startLlama().then((instance) =>
      loadLocalModel({ llama: instance, file, threads, ...(options.contextSize !== undefined && { contextSize: options.contextSize }) }),
    );
    const entry: ModelEntry = { id: file.id, queue: createSerialQueue(), ready, evicted: false };
    ready.then(
      (model) => metadataById.set(file.id, model.metadata),
      // A failed load leaves the map so that the next request tries again; its queued requests see the error.
      () => {
        if (entries.get(file.id) === entry) entries.delete(file.id);
      },
    );
    entries.set(file.id, entry);
    while (entries.size > maxLoadedModels) {
      const oldest = entries.values().next().value;
      if (oldest === undefined) break;
      evict(oldest);
    }
    return entry;
  }

  function evict(entry: ModelEntry): void {
    entries.delete(entry.id);
    entry.evicted = true;
    const unload = entry.queue
      .run(async () => {
        const model = await entry.ready.catch(() => undefined);
        await model?.dispose();
      })
      .catch(() => undefined); // Nothing to recover: the model is gone either way.
    unloads.add(unload);
    void unload.then(() => unloads.delete(unload));
  }

  /**
   * Runs `task` on the model in its queue. From finding the entry to queueing the task nothing awaits,
   * so an eviction cannot slip its unloading in front of a task that already holds the entry.
   */
  async function withModel<T>(id: string, signal: AbortSignal | undefined, task: (model: LoadedLocalModel) => Promise<T>): Promise<T> {
    assertOpen();
    let entry = touch(id);
    if (entry === undefined) {
      const file = await findFile(id);
      assertOpen();
      entry = touch(id) ?? createEntry(file);
    }
    const ready = entry.ready;
    return entry.queue.run(async () => task(await ready), signal);
  }

  return {
    modelsDir,

    async listModels(): Promise<LocalModelInfo[]> {
      const files = await listGgufFiles(modelsDir);
      return files.map((file) => {
        const metadata = metadataById.get(file.id);
        return {
          id: file.id,
          sizeBytes: file.sizeBytes,
          loaded: entries.has(file.id),
          ...(metadata !== undefined && {
            contextLength: metadata.contextLength,
            trainContextLength: metadata.trainContextLength,
            embeddingSize: metadata.embeddingSize,
            hasChatTemplate: metadata.hasChatTemplate,
          }),
          modifiedAt: file.modifiedAt,
        };
      });
    },

    async chat(request) {
      const calledAt = performance.now();
      return withModel(request.model, request.signal, (model) => model.chat(request, calledAt));
    },

    async complete(request) {
      const calledAt = performance.now();
      return withModel(request.model, request.signal, (model) => model.complete(request, calledAt));
    },

    async embed(request) {
      const calledAt = performance.now();
      return withModel(request.model, request.signal, (model) => model.embed(request.texts, request.signal, calledAt));
    },

    async countTokens(id, text) {
      assertOpen();
      const entry = touch(id);
      if (entry !== undefined) {
        // Tokenizing is synchronous and does not touch the context, so it need not wait behind generations.
        const model = await entry.ready;
        if (!entry.evicted) return model.countTokens(text);
      }
      return withModel(id, undefined, async (model) => model.countTokens(text));
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const entry of [...entries.values()]) evict(entry);
      await Promise.all([...unloads]);
      if (ownsLlama && llama !== undefined) {
        const instance = await llama.catch(() => undefined);
        await instance?.dispose();
      }
    },
  };
}
