import type { ChatMessage } from "../../ports/model-gateway.ts";
import type { NodeUsage } from "../../ports/node-usage.ts";
import { defineNode, type NodeContext } from "../../runtime/node-implementation.ts";
import { valueToText } from "../../schema/value-reference.ts";
import { createReasoningFilter, splitReasoning } from "../shared/split-reasoning.ts";
import { sumUsage } from "../shared/sum-usage.ts";
import { splitIntoChunks } from "./split-into-chunks.ts";
import { summarizeSchema, type SummarizeConfig } from "./summarize.schema.ts";

/** Assumed when the gateway does not know the model's context window: what most small local models give. */
export const DEFAULT_CONTEXT_LENGTH = 4096;
/** Tokens of chat framing (roles, special tokens) per request, beyond the prompt text. */
const FRAMING_TOKENS = 32;
const MAX_ROUNDS = 8;

const MAP_PROMPT = "Summarise the text. Keep the key facts, names and numbers. Write only the summary.";
const REDUCE_PROMPT = "These are summaries of consecutive parts of one text. Combine them into one summary. Keep the key facts, names and numbers. Write only the summary.";

/**
 * Map-reduce summarisation sized to the model: the context window (from `describe`) minus the prompt
 * and an allowance for the answer is the chunk budget. Text that fits is summarised in one call;
 * longer text is split, each part summarised (`parallelism` at a time), and the summaries combined,
 * again in parts if they still do not fit. Only the final call streams.
 */
export const summarizeNode = defineNode(summarizeSchema, async (config, context) => {
  const input = valueToText(context.resolve(config.input)).trim();
  if (input === "") return { outputs: { summary: "", chunks: 0, rounds: 0 }, inputs: { tokens: 0 } };
  const models = context.services.models;
  const instruction = config.instruction === undefined ? "" : context.render(config.instruction).trim();
  const info = await models.describe(config.model.model);
  const contextLength = info?.contextLength ?? DEFAULT_CONTEXT_LENGTH;
  const answerAllowance = config.model.maxTokens ?? Math.min(1024, Math.floor(contextLength / 4));
  const overhead = models.countTokens(`${REDUCE_PROMPT}\n${instruction}`) + FRAMING_TOKENS;
  const budget = Math.min(config.maxChunkTokens ?? Number.POSITIVE_INFINITY, contextLength - overhead - answerAllowance);
  if (budget < 16) {
    throw new Error(`The model's context window (${contextLength} tokens) leaves no room for text after the prompt and the answer; shorten the instruction or lower the model's maxTokens.`);
  }
  const usages: NodeUsage[] = [];
  const inputTokens = models.countTokens(input);
  let parts = splitIntoChunks(input, budget, (text) => models.countTokens(text));
  const chunks = parts.length;
  let rounds = 0;
  let prompt = MAP_PROMPT;
  while (parts.length > 1) {
    if (rounds >= MAX_ROUNDS) throw new Error(`The summaries did not get short enough to combine after ${MAX_ROUNDS} rounds; raise maxChunkTokens or use a model with a larger context window.`);
    const summaries = await mapWithLimit(parts, config.parallelism, (part) => summarise(config, context, prompt, instruction, part, usages, false));
    rounds += 1;
    prompt = REDUCE_PROMPT;
    const combined = summaries.join("\n\n");
    parts = models.countTokens(combined) <= budget ? [combined] : splitIntoChunks(combined, budget, (text) => models.countTokens(text));
  }
  const summary = await summarise(config, context, prompt, instruction, parts[0] ?? "", usages, true);
  rounds += 1;
  return { outputs: { summary, chunks, rounds }, inputs: { tokens: inputTokens, contextLength, chunkBudget: budget }, usage: sumUsage(usages) };
});

async function summarise(
  config: SummarizeConfig,
  context: NodeContext,
  prompt: string,
  instruction: string,
  text: string,
  usages: NodeUsage[],
  stream: boolean,
): Promise<string> {
  const messages: ChatMessage[] = [
    { role: "system", content: [prompt, instruction].filter((line) => line !== "").join("\n") },
    { role: "user", content: text },
  ];
  const filter = stream ? createReasoningFilter((delta) => context.emitDelta(delta)) : undefined;
  const result = await context.services.models.chat({
    selection: config.model,
    messages,
    ...(filter ? { onDelta: filter.push } : {}),
    signal: context.signal,
    private: context.private,
  });
  filter?.flush();
  usages.push(result.usage);
  return splitReasoning(result.text).text;
}

/** Maps with at most `limit` calls in flight, keeping the order of `items`. */
async function mapWithLimit<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await map(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
