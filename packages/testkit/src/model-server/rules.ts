import type { ModelEndpoint, ModelRequest } from "./model-request.ts";

/** A string matches as a substring (exactly, for `model`); a RegExp is searched for. */
export type TextMatcher = string | RegExp;

/** Token counts a reply reports instead of the word-count estimate. */
export interface ScriptedUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** What the server answers when a rule matches. */
export type ScriptedReply =
  | { type: "text"; text: string; usage?: ScriptedUsage }
  /** Answers `JSON.stringify(value)` as the message text (for JSON mode and structured output). */
  | { type: "json"; value: unknown; usage?: ScriptedUsage }
  | { type: "tool-call"; calls: { name: string; arguments: Record<string, unknown> }[]; text?: string; usage?: ScriptedUsage }
  /** An HTTP error in the protocol's error shape; a 429 always carries `retry-after` (default 1 s). */
  | { type: "error"; status: number; message: string; retryAfterS?: number }
  /** Waits `ms` before answering with `then`. */
  | { type: "delay"; ms: number; then: ScriptedReply }
  /** Text paced at its own rate, overriding the server's `tokensPerSecond`. */
  | { type: "slow-stream"; text: string; tokensPerSecond: number }
  /** Answers with the last user message. */
  | { type: "echo" };

/**
 * When a rule applies. Every field given must match. `prompt` is tested against all message contents
 * joined by newlines, `system` against the system messages. A rule without `endpoint` matches chat and
 * completions requests only: embeddings requests take only rules that name `endpoint: "embeddings"`
 * (whose error and delay replies apply; other replies leave the hashing embeddings as they are).
 */
export interface RuleMatch {
  model?: TextMatcher;
  prompt?: TextMatcher;
  system?: TextMatcher;
  endpoint?: ModelEndpoint;
}

/** A scripted behaviour. Rules are tried in the order they were added; the first that matches wins. */
export interface ScriptedRule {
  match?: RuleMatch;
  /** The rule applies this many times, then is skipped. Unlimited when absent. */
  times?: number;
  reply: ScriptedReply;
}

interface StoredRule {
  id: string;
  rule: ScriptedRule;
  remaining: number;
}

function matchesText(matcher: TextMatcher | undefined, text: string, exact: boolean): boolean {
  if (matcher === undefined) return true;
  if (typeof matcher === "string") return exact ? matcher === text : text.includes(matcher);
  // search() ignores `lastIndex`, so a RegExp with the g flag matches the same way every time.
  return text.search(matcher) !== -1;
}

function matches(match: RuleMatch | undefined, request: ModelRequest): boolean {
  if (match?.endpoint === undefined) {
    if (request.endpoint === "embeddings" || request.endpoint === "rerank") return false;
  } else if (match.endpoint !== request.endpoint) return false;
  if (match === undefined) return true;
  return (
    matchesText(match.model, request.model, true) &&
    matchesText(match.prompt, request.promptText, false) &&
    matchesText(match.system, request.system, false)
  );
}

/** The server's ordered rules, with their remaining uses. */
export class RuleBook {
  #rules: StoredRule[] = [];
  #nextId = 1;

  add(rule: ScriptedRule): string {
    const id = `rule-${this.#nextId++}`;
    this.#rules.push({ id, rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
    return id;
  }

  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((stored) => stored.id !== id);
    return this.#rules.length !== before;
  }

  clear(): void {
    this.#rules = [];
  }

  /** The first rule that matches and has uses left, using one of them; undefined when none does. */
  take(request: ModelRequest): { id: string; reply: ScriptedReply } | undefined {
    for (const stored of this.#rules) {
      if (stored.remaining <= 0 || !matches(stored.rule.match, request)) continue;
      stored.remaining--;
      return { id: stored.id, reply: stored.rule.reply };
    }
    return undefined;
  }
}
