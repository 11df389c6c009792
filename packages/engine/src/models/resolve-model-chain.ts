import { ModelGatewayError, type FailedAttempt } from "./model-gateway-error.ts";
import type { ProviderConfig } from "./provider-config.ts";
import type { RoutingPolicy } from "../ports/model-gateway.ts";

/** One model the gateway may try. */
export interface ModelCandidate {
  /** `"provider:model"`, as recorded in usage. */
  reference: string;
  provider: ProviderConfig;
  model: string;
}

export interface ModelChain {
  candidates: ModelCandidate[];
  /** References that name nothing configured: recorded as failed before the first real attempt. */
  unresolved: FailedAttempt[];
}

export interface ResolveChainInput {
  model: string;
  fallbacks?: string[];
  policy?: RoutingPolicy;
  private: boolean;
  providers: ReadonlyMap<string, ProviderConfig>;
  tiers: Readonly<Record<string, readonly string[]>>;
}

/** Splits on the FIRST colon: `"ollama:qwen2.5:3b"` is provider `ollama`, model `qwen2.5:3b`. */
export function parseModelReference(reference: string): { provider: string; model: string } | null {
  const colon = reference.indexOf(":");
  if (colon <= 0 || colon === reference.length - 1) return null;
  return { provider: reference.slice(0, colon), model: reference.slice(colon + 1) };
}

/** A tier (`"tier:fast"`) becomes its list of references; anything else stays itself. */
export function expandTier(reference: string, tiers: Readonly<Record<string, readonly string[]>>): string[] | null {
  const parsed = parseModelReference(reference);
  if (parsed?.provider !== "tier") return [reference];
  return Object.hasOwn(tiers, parsed.model) ? [...(tiers[parsed.model] ?? [])] : null;
}

/**
 * The ordered chain of models to try: the selection's model (a tier expands to its list) then its
 * fallbacks, without repeats; `local-only` keeps local providers, `local-first`/`cloud-first` move them
 * to the front/back (keeping the author's order within each group); a private request drops cloud
 * providers and is refused when nothing local remains.
 */
export function resolveModelChain(input: ResolveChainInput): ModelChain {
  const policy = input.policy ?? "local-first";
  const references: string[] = [];
  const unresolved: FailedAttempt[] = [];
  for (const reference of [input.model, ...(input.fallbacks ?? [])]) {
    const expanded = expandTier(reference, input.tiers);
    if (expanded === null) unresolved.push({ model: reference, reason: `error: no tier named "${reference.slice(5)}" is configured` });
    for (const item of expanded ?? []) if (!references.includes(item)) references.push(item);
  }

  const resolved: ModelCandidate[] = [];
  for (const reference of references) {
    const parsed = parseModelReference(reference);
    const provider = parsed === null ? undefined : input.providers.get(parsed.provider);
    if (parsed === null || provider === undefined) {
      const reason = parsed === null ? `"${reference}" is not a "provider:model" reference` : `no provider named "${parsed.provider}" is configured`;
      unresolved.push({ model: reference, reason: `error: ${reason}` });
      continue;
    }
    resolved.push({ reference, provider, model: parsed.model });
  }
  if (resolved.length === 0) {
    const details = unresolved.map((attempt) => `${attempt.model}: ${attempt.reason.replace(/^error: /, "")}`).join("; ");
    throw new ModelGatewayError("unknown_model", `No configured model matches this selection (${details}).`, { attempts: unresolved });
  }

  const local = resolved.filter((candidate) => candidate.provider.isLocal);
  const cloud = resolved.filter((candidate) => !candidate.provider.isLocal);
  if (input.private && local.length === 0) {
    const refused = cloud.map((candidate) => `"${candidate.reference}"`).join(", ");
    throw new ModelGatewayError(
      "private_refused",
      `This workflow is private: only local models may answer, and ${refused} ${cloud.length === 1 ? "is a cloud model" : "are cloud models"}. Choose a local model or add one as a fallback.`,
      { attempts: unresolved },
    );
  }
  if (policy === "local-only" && local.length === 0) {
    const refused = cloud.map((candidate) => `"${candidate.reference}"`).join(", ");
    throw new ModelGatewayError("no_candidate", `The routing policy is local-only, and ${refused} ${cloud.length === 1 ? "is a cloud model" : "are cloud models"}. Choose a local model.`, {
      attempts: unresolved,
    });
  }
  const candidates = input.private || policy === "local-only" ? local : policy === "local-first" ? [...local, ...cloud] : [...cloud, ...local];
  return { candidates, unresolved };
}
