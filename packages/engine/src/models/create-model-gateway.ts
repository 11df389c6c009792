import { countTokens } from "./count-tokens.ts";
import { createLimiter, createUnlimited, type Limiter } from "./create-limiter.ts";
import { describeModel } from "./describe-model.ts";
import { createChatModelCache } from "./create-chat-model.ts";
import { fallbackReason } from "./describe-error.ts";
import { embedWithProvider } from "./embed-with-provider.ts";
import { rerankWithProvider } from "./rerank-with-provider.ts";
import { ModelGatewayError, type FailedAttempt } from "./model-gateway-error.ts";
import { createPriceTable, type PriceOverrides, type PriceTable } from "./price-table.ts";
import { providerConfigSchema, type ProviderConfig, type ProviderConfigInput } from "./provider-config.ts";
import { expandTier, parseModelReference, resolveModelChain, type ModelCandidate } from "./resolve-model-chain.ts";
import { runChatAttempt, type AttemptOutcome } from "./run-chat-attempt.ts";
import type { ChatRequest, ChatResult, ModelGateway } from "../ports/model-gateway.ts";
import type { LocalModelRuntime } from "../ports/local-model-runtime.ts";

export interface ModelGatewayOptions {
  /** The workspace's providers, secrets decrypted (parsed here: a bad config fails at composition). */
  providers: ProviderConfigInput[];
  /** Named model lists: `"tier:fast"` means `tiers.fast`, tried in order. */
  tiers?: Record<string, string[]>;
  /** The workspace's price overrides, or a whole table. */
  prices?: PriceOverrides | PriceTable;
  /** The embedded GGUF runtime, for providers of kind `"local"`. */
  localRuntime?: LocalModelRuntime;
  /**
   * The concurrency limit of each provider's endpoint. Default: `settings.maxConcurrency` when set,
   * one at a time for the embedded runtime, unlimited otherwise.
   */
  concurrency?: (providerName: string) => Limiter;
  /** Texts per embeddings request (default 64). */
  embedBatchSize?: number;
}

/**
 * The model gateway of a workspace: resolves references and tiers, orders candidates by routing
 * policy, refuses cloud models for private requests, tries candidates in order (falling back on an
 * error, a timeout, a 429 or an answer `validate` rejects, never on an abort), and accounts for usage.
 *
 * Usage: tokens and cost add up every answer generated (those `validate` rejected were billed too);
 * latency, time to first token and speed are the answering attempt's. Deltas are forwarded as they
 * arrive, so an attempt that fails mid-stream has already streamed its part: the next attempt starts
 * over, and `usage.model.fallbacks` says so.
 */
export function createModelGateway(options: ModelGatewayOptions): ModelGateway {
  const providers = new Map<string, ProviderConfig>();
  for (const input of options.providers) {
    const provider = providerConfigSchema.parse(input);
    if (providers.has(provider.name)) throw new Error(`Two model providers are named "${provider.name}": provider names must be unique.`);
    providers.set(provider.name, provider);
  }
  const tiers = options.tiers ?? {};
  const chatModels = createChatModelCache();
  const prices = isPriceTable(options.prices) ? options.prices : createPriceTable(options.prices);
  const limiters = new Map<string, Limiter>();
  const limiterOf = (provider: ProviderConfig): Limiter => {
    let limiter = limiters.get(provider.name);
    if (limiter === undefined) {
      limiter = options.concurrency?.(provider.name) ?? defaultLimiter(provider);
      limiters.set(provider.name, limiter);
    }
    return limiter;
  };

  const costOf = (candidate: ModelCandidate, outcome: Pick<AttemptOutcome, "tokensIn" | "tokensOut">) =>
    prices.costOf(candidate.provider, candidate.model, outcome.tokensIn, outcome.tokensOut);

  async function chat(request: ChatRequest): Promise<ChatResult> {
    throwIfAborted(request.signal);
    const { selection } = request;
    const chain = resolveModelChain({ ...selection, private: request.private, providers, tiers });
    const fallbacks: FailedAttempt[] = [...chain.unresolved];
    // Answers rejected by `validate` were still generated (and billed): they count in the usage.
    const spent = { tokensIn: 0, tokensOut: 0, cost: 0 as number | undefined };

    for (const candidate of chain.candidates) {
      throwIfAborted(request.signal);
      const timeoutMs = selection.timeoutMs ?? candidate.provider.settings.timeoutMs;
      const timeout = new AbortController();
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => timeout.abort(new Error("timeout")), timeoutMs);
      const signal = AbortSignal.any([request.signal, timeout.signal]);
      try {
        const outcome = await limiterOf(candidate.provider).run(
          () => runChatAttempt({ candidate, request, signal, timeoutMs, localRuntime: options.localRuntime, chatModels }),
          signal,
        );
        const cost = costOf(candidate, outcome);
        const result: ChatResult = {
          text: outcome.text,
          toolCalls: outcome.toolCalls,
          finishReason: outcome.finishReason,
          usage: {
            tokensIn: spent.tokensIn + outcome.tokensIn,
            tokensOut: spent.tokensOut + outcome.tokensOut,
            cost: cost === undefined || spent.cost === undefined ? undefined : spent.cost + cost,
            latencyMs: outcome.latencyMs,
            timeToFirstTokenMs: outcome.timeToFirstTokenMs,
            tokensPerSecond: outcome.tokensPerSecond,
            model: { provider: candidate.provider.name, model: candidate.model, fallbacks: [...fallbacks] },
          },
        };
        const problem = request.validate?.(result) ?? null;
        if (problem === null) return result;
        fallbacks.push({ model: candidate.reference, reason: `invalid output: ${problem}` });
        spent.tokensIn += outcome.tokensIn;
        spent.tokensOut += outcome.tokensOut;
        spent.cost = cost === undefined || spent.cost === undefined ? undefined : spent.cost + cost;
      } catch (error) {
        throwIfAborted(request.signal, error);
        const reason = timeout.signal.aborted ? "timeout" : isInvalidOutput(error) ? `invalid output: ${errorText(error)}` : fallbackReason(error);
        fallbacks.push({ model: candidate.reference, reason });
      } finally {
        clearTimeout(timer);
      }
    }
    const tried = fallbacks.map((attempt) => `${attempt.model} (${attempt.reason})`).join("; ");
    throw new ModelGatewayError("all_failed", `No model could answer: ${tried}.`, { attempts: fallbacks });
  }

  return {
    chat,

    async embed(request) {
      throwIfAborted(request.signal);
      const reference = firstReference(request.model, tiers);
      // No fallbacks: vectors of different models cannot be mixed in one index.
      const { candidates } = resolveModelChain({ model: reference, private: request.private, providers, tiers, policy: "local-first" });
      const candidate = candidates[0];
      if (candidate === undefined) throw new ModelGatewayError("unknown_model", `No configured model matches "${request.model}".`);
      const started = performance.now();
      try {
        const vectors = await embedWithProvider({
          provider: candidate.provider,
          model: candidate.model,
          texts: request.texts,
          signal: request.signal,
          batchSize: options.embedBatchSize ?? 64,
          limiter: limiterOf(candidate.provider),
          localRuntime: options.localRuntime,
        });
        const tokensIn = request.texts.reduce((sum, text) => sum + countTokens(text), 0);
        return { vectors, usage: { tokensIn, latencyMs: Math.round(performance.now() - started), model: { provider: candidate.provider.name, model: candidate.model } } };
      } catch (error) {
        throwIfAborted(request.signal, error);
        throw new ModelGatewayError("all_failed", `Embedding with "${candidate.reference}" failed: ${fallbackReason(error).replace(/^error: /, "")}`, {
          cause: error,
          attempts: [{ model: candidate.reference, reason: fallbackReason(error) }],
        });
      }
    },

    async rerank(request) {
      throwIfAborted(request.signal);
      const reference = firstReference(request.model, tiers);
      const { candidates } = resolveModelChain({ model: reference, private: request.private, providers, tiers, policy: "local-first" });
      const candidate = candidates[0];
      if (candidate === undefined) {
        throw new ModelGatewayError(
          "unknown_model",
          request.private ? `No local model matches "${request.model}" (private knowledge may only be reranked by a local model).` : `No configured model matches "${request.model}".`,
        );
      }
      const started = performance.now();
      try {
        const { scores, tokensIn } = await rerankWithProvider({
          provider: candidate.provider,
          model: candidate.model,
          query: request.query,
          documents: request.documents,
          signal: request.signal,
          limiter: limiterOf(candidate.provider),
          timeoutMs: candidate.provider.settings.timeoutMs,
        });
        const counted = tokensIn ?? request.documents.reduce((sum, text) => sum + countTokens(text) + countTokens(request.query), 0);
        return { scores, usage: { tokensIn: counted, latencyMs: Math.round(performance.now() - started), model: { provider: candidate.provider.name, model: candidate.model } } };
      } catch (error) {
        throwIfAborted(request.signal, error);
        throw new ModelGatewayError("all_failed", `Reranking with "${candidate.reference}" failed: ${fallbackReason(error).replace(/^error: /, "")}`, {
          cause: error,
          attempts: [{ model: candidate.reference, reason: fallbackReason(error) }],
        });
      }
    },

    async describe(model) {
      const parsed = parseModelReference(firstReference(model, tiers));
      const provider = parsed === null ? undefined : providers.get(parsed.provider);
      return parsed === null || provider === undefined ? null : describeModel(provider, parsed.model);
    },

    isLocal(reference) {
      const expanded = expandTier(reference, tiers) ?? [reference];
      const locality = expanded.map((entry) => {
        const parsed = parseModelReference(entry);
        return parsed === null ? undefined : providers.get(parsed.provider)?.isLocal;
      });
      if (locality.some((local) => local === false)) return false;
      return locality.every((local) => local === true) ? true : undefined;
    },

    countTokens,
  };
}

function defaultLimiter(provider: ProviderConfig): Limiter {
  const max = provider.settings.maxConcurrency ?? (provider.kind === "local" ? 1 : undefined);
  return max === undefined ? createUnlimited() : createLimiter(max);
}

/** A tier's first model (describe and embed use one model); unknown tiers stay as given. */
function firstReference(reference: string, tiers: Readonly<Record<string, readonly string[]>>): string {
  return expandTier(reference, tiers)?.[0] ?? reference;
}

function throwIfAborted(signal: AbortSignal, cause?: unknown): void {
  if (signal.aborted) throw new ModelGatewayError("aborted", "The model call was cancelled.", { cause: signal.reason ?? cause });
}

function isPriceTable(value: PriceOverrides | PriceTable | undefined): value is PriceTable {
  return typeof value?.costOf === "function" && typeof value.priceOf === "function";
}

function isInvalidOutput(error: unknown): boolean {
  return error instanceof Error && error.name === "InvalidOutputError";
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
