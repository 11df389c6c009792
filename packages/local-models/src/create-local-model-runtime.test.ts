import { writeFile } from "node:fs/promises";
import path from "node:path";
import { getLlama, LlamaLogLevel, type Llama } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalModelRuntime } from "./create-local-model-runtime.ts";
import { isLocalModelError, type LocalModelErrorCode } from "./local-model-error.ts";
import type { LocalModelRuntime, LocalModelRuntimeOptions } from "./local-model-runtime.ts";
import { createModelsDir, type TemporaryModelsDir } from "./testing/stories-model.ts";

const messages = [
  { role: "system" as const, content: "You tell short stories." },
  { role: "user" as const, content: "Tell me about a cat." },
];

let llama: Llama;
let modelsDir: TemporaryModelsDir;
const runtimes: LocalModelRuntime[] = [];

function runtime(options: Partial<LocalModelRuntimeOptions> = {}): LocalModelRuntime {
  const created = createLocalModelRuntime({ modelsDir: modelsDir.path, llama, threads: 1, ...options });
  runtimes.push(created);
  return created;
}

async function errorCode(promise: Promise<unknown>): Promise<LocalModelErrorCode | undefined> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return isLocalModelError(error) ? error.code : undefined;
}

beforeAll(async () => {
  llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
  modelsDir = await createModelsDir(["stories260K", "stories-copy"]);
});

afterAll(async () => {
  await Promise.all(runtimes.map((created) => created.close()));
  await llama.dispose();
  await modelsDir.remove();
});

describe("createLocalModelRuntime", () => {
  it("lists the GGUF files of the folder, with metadata once a model has loaded", async () => {
    await writeFile(path.join(modelsDir.path, "notes.txt"), "not a model");
    const local = runtime();
    const before = await local.listModels();
    expect(before.map((model) => model.id)).toEqual(["stories-copy", "stories260K"]);
    expect(before[1]).toMatchObject({ id: "stories260K", sizeBytes: 1_185_376, loaded: false });
    expect(before[1]?.contextLength).toBeUndefined();

    await local.complete({ model: "stories260K", prompt: "Once upon a time", maxTokens: 4 });
    const after = await local.listModels();
    expect(after[1]).toMatchObject({
      id: "stories260K",
      loaded: true,
      contextLength: 2048,
      trainContextLength: 2048,
      embeddingSize: 64,
      hasChatTemplate: false,
    });
    expect(after[0]).toMatchObject({ id: "stories-copy", loaded: false });
  });

  it("chats with a model that has no chat template, reporting usage", async () => {
    const result = await runtime().chat({ model: "stories260K", messages, maxTokens: 32 });
    expect(result.text.trim().length).toBeGreaterThan(0);
    expect(result.text).toBe(result.text.trimStart());
    expect(["stop", "length"]).toContain(result.finishReason);
    expect(result.usage.tokensIn).toBeGreaterThan(10);
    expect(result.usage.tokensOut).toBeGreaterThan(0);
    expect(result.usage.tokensOut).toBeLessThanOrEqual(32);
    expect(result.usage.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(result.usage.tokensPerSecond).toBeGreaterThan(0);
    expect(result.usage.latencyMs).toBeGreaterThanOrEqual(result.usage.timeToFirstTokenMs ?? 0);
  });

  it("completes text deterministically at temperature 0, stopping at maxTokens", async () => {
    const local = runtime();
    const first = await local.complete({ model: "stories260K", prompt: "Once upon a time", maxTokens: 24 });
    const second = await local.complete({ model: "stories260K", prompt: "Once upon a time", maxTokens: 24 });
    expect(first.text.length).toBeGreaterThan(0);
    expect(second.text).toBe(first.text);
    expect(first.finishReason).toBe("length");
    expect(first.usage.tokensOut).toBe(24);
    // The prompt's tokens plus the start-of-text token.
    expect(first.usage.tokensIn).toBe((await local.countTokens("stories260K", "Once upon a time")) + 1);
  });

  it("streams chunks through onToken that concatenate to the final text", async () => {
    const local = runtime();
    const chatChunks: string[] = [];
    const chat = await local.chat({ model: "stories260K", messages, maxTokens: 48, onToken: (text) => chatChunks.push(text) });
    expect(chatChunks.length).toBeGreaterThan(1);
    expect(chatChunks.join("")).toBe(chat.text);

    const completionChunks: string[] = [];
    const completion = await local.complete({
      model: "stories260K",
      prompt: "Once upon a time",
      maxTokens: 48,
      onToken: (text) => completionChunks.push(text),
    });
    expect(completionChunks.join("")).toBe(completion.text);
    const unstreamed = await local.complete({ model: "stories260K", prompt: "Once upon a time", maxTokens: 48 });
    expect(unstreamed.text).toBe(completion.text);
  });

  it("honours stop texts", async () => {
    const local = runtime();
    const full = await local.complete({ model: "stories260K", prompt: "Once upon a time", maxTokens: 48 });
    const word = full.text.trim().split(/\s+/)[2] ?? "";
    expect(word.length).toBeGreaterThan(0);
    const stopped = await local.complete({ model: "stories260K", prompt: "Once upon a time", maxTokens: 48, stop: [word] });
    expect(stopped.finishReason).toBe("stop");
    expect(stopped.text).not.toContain(word);
    expect(stopped.text.length).toBeGreaterThan(0);
    expect(full.text.startsWith(stopped.text)).toBe(true);
  });

  it("aborts a generation in progress, and the model keeps working afterwards", async () => {
    const local = runtime();
    const controller = new AbortController();
    let tokens = 0;
    const aborted = local.complete({
      model: "stories260K",
      prompt: "Once upon a time",
      maxTokens: 1500,
      signal: controller.signal,
      onToken: () => {
        tokens += 1;
        if (tokens === 3) controller.abort();
      },
    });
    expect(await errorCode(aborted)).toBe("aborted");
    expect(tokens).toBeLessThan(50);
    expect(await errorCode(local.chat({ model: "stories260K", messages, signal: AbortSignal.abort() }))).toBe("aborted");
    const after = await local.complete({ model: "stories260K", prompt: "Once upon a time", maxTokens: 8 });
    expect(after.usage.tokensOut).toBe(8);

    const chatController = new AbortController();
    const abortedChat = local.chat({
      model: "stories260K",
      messages,
      maxTokens: 1500,
      signal: chatController.signal,
      onToken: () => chatController.abort(),
    });
    expect(await errorCode(abortedChat)).toBe("aborted");
    const chatAfter = await local.chat({ model: "stories260K", messages, maxTokens: 8 });
    expect(chatAfter.usage.tokensOut).toBe(8);
  });

  it("embeds texts into vectors of the model's embedding size, the same vector for the same text", async () => {
    const local = runtime();
    const result = await local.embed({ model: "stories260K", texts: ["The cat sat.", "A dog ran far away.", "The cat sat."] });
    expect(result.vectors).toHaveLength(3);
    for (const vector of result.vectors) {
      expect(vector).toHaveLength(64);
      expect(vector.every(Number.isFinite)).toBe(true);
    }
    expect(result.vectors[2]).toEqual(result.vectors[0]);
    expect(result.vectors[1]).not.toEqual(result.vectors[0]);
    expect(result.usage.tokensIn).toBeGreaterThan(0);
    const again = await local.embed({ model: "stories260K", texts: ["The cat sat."] });
    expect(again.vectors[0]).toEqual(result.vectors[0]);
    expect(await errorCode(local.embed({ model: "stories260K", texts: [""] }))).toBe("invalid_request");
  });

  it("unloads the least recently used model beyond maxLoadedModels", async () => {
    const local = runtime({ maxLoadedModels: 1 });
    const loaded = async (): Promise<string[]> =>
      (await local.listModels()).filter((model) => model.loaded).map((model) => model.id);
    const first = await local.complete({ model: "stories260K", prompt: "Once upon a time", maxTokens: 8 });
    expect(await loaded()).toEqual(["stories260K"]);
    const second = await local.complete({ model: "stories-copy", prompt: "Once upon a time", maxTokens: 8 });
    expect(await loaded()).toEqual(["stories-copy"]);
    expect(second.text).toBe(first.text);
    const third = await local.complete({ model: "stories260K", prompt: "Once upon a time", maxTokens: 8 });
    expect(await loaded()).toEqual(["stories260K"]);
    expect(third.text).toBe(first.text);
  });

  it("runs requests to one model one at a time, in arrival order", async () => {
    const local = runtime();
    await local.complete({ model: "stories260K", prompt: "Hi", maxTokens: 1 });
    const events: string[] = [];
    const request = (name: string): Promise<unknown> =>
      local
        .complete({
          model: "stories260K",
          prompt: "Once upon a time",
          maxTokens: 16,
          onToken: () => events.push(name),
        })
        .then(() => events.push(`${name}:done`));
    await Promise.all([request("a"), request("b"), request("c")]);
    const order = events.filter((event, index) => event !== events[index - 1]);
    expect(order).toEqual(["a", "a:done", "b", "b:done", "c", "c:done"]);
  });

  it("rejects a request aborted while it waits for the model, without running it", async () => {
    const local = runtime();
    const first = local.complete({ model: "stories260K", prompt: "Once upon a time", maxTokens: 64 });
    const controller = new AbortController();
    let waitingRan = false;
    const waiting = local.complete({
      model: "stories260K",
      prompt: "Once",
      maxTokens: 8,
      signal: controller.signal,
      onToken: () => {
        waitingRan = true;
      },
    });
    controller.abort();
    expect(await errorCode(waiting)).toBe("aborted");
    expect((await first).usage.tokensOut).toBe(64);
    expect(waitingRan).toBe(false);
  });

  it("runs different models side by side", async () => {
    const local = runtime({ maxLoadedModels: 2 });
    const [left, right] = await Promise.all([
      local.complete({ model: "stories260K", prompt: "Once upon a time", maxTokens: 16 }),
      local.complete({ model: "stories-copy", prompt: "Once upon a time", maxTokens: 16 }),
    ]);
    expect(left.text).toBe(right.text);
    expect((await local.listModels()).every((model) => model.loaded)).toBe(true);
  });

  it("names the folder and the models in it when a model is missing", async () => {
    const error: unknown = await runtime()
      .chat({ model: "llama-70b", messages })
      .catch((caught: unknown) => caught);
    expect(isLocalModelError(error) && error.code).toBe("model_not_found");
    const message = error instanceof Error ? error.message : "";
    expect(message).toContain(modelsDir.path);
    expect(message).toContain("stories260K");
    expect(message).toContain("stories-copy");
    expect(await errorCode(runtime().chat({ model: "../models/stories260K", messages }))).toBe("model_not_found");
  });

  it("reports a prompt longer than the context as context_overflow", async () => {
    // llama.cpp rounds context sizes up to a multiple of 256.
    const local = runtime({ contextSize: 256 });
    const prompt = "Once upon a time there was a cat. ".repeat(100);
    expect(await errorCode(local.complete({ model: "stories260K", prompt, maxTokens: 8 }))).toBe("context_overflow");
    expect(await errorCode(local.chat({ model: "stories260K", messages: [{ role: "user", content: prompt }] }))).toBe("context_overflow");
    const short = await local.complete({ model: "stories260K", prompt: "Once", maxTokens: 5000 });
    expect(short.usage.tokensIn + short.usage.tokensOut).toBeLessThanOrEqual(256);
    expect((await local.listModels()).find((model) => model.id === "stories260K")?.contextLength).toBe(256);
  });

  it("reports a file llama.cpp cannot read as load_failed, and an unusable runtime as closed", async () => {
    const broken = await createModelsDir([]);
    await writeFile(path.join(broken.path, "broken.gguf"), "this is not a GGUF file");
    const local = createLocalModelRuntime({ modelsDir: broken.path, llama, threads: 1 });
    expect(await errorCode(local.complete({ model: "broken", prompt: "Hi" }))).toBe("load_failed");
    expect((await local.listModels())[0]).toMatchObject({ id: "broken", loaded: false });
    await local.close();
    expect(await errorCode(local.complete({ model: "broken", prompt: "Hi" }))).toBe("closed");
    await broken.remove();
  });

  it("starts its own llama.cpp binding when none is given, and frees it on close", async () => {
    const local = createLocalModelRuntime({ modelsDir: modelsDir.path });
    const result = await local.complete({ model: "stories260K", prompt: "Once upon a time", maxTokens: 4 });
    expect(result.usage.tokensOut).toBe(4);
    await local.close();
  });
});
