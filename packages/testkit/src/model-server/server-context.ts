import type { ChatMessage, ModelEndpoint, ModelProtocol, ToolSpec } from "./model-request.ts";
import type { ModelCatalog } from "./model-catalog.ts";
import type { PauseSet } from "./pause-set.ts";
import type { RuleBook } from "./rules.ts";

/** One request the server answered, as recorded in `server.calls`. */
export interface ModelServerCall {
  /** `Date.now()` when the request arrived. */
  at: number;
  protocol: ModelProtocol;
  endpoint: ModelEndpoint;
  /** The URL path, e.g. `/v1/chat/completions`. */
  path: string;
  model: string;
  messages: ChatMessage[];
  /** The last user message's text (the prompt, for completions; the inputs joined, for embeddings). */
  prompt: string;
  /** The system messages' text; empty when there are none. */
  system: string;
  tools?: ToolSpec[];
  stream: boolean;
  /** Whether JSON output was asked for. */
  json: boolean;
  /** The HTTP status the server answered (or decided on, when the client left during a delay). */
  status: number;
  /** The message text answered, for chat and completions. */
  responseText?: string;
  toolCalls?: { name: string; arguments: Record<string, unknown> }[];
  /** The id of the rule that decided the reply; absent for the default reply. */
  ruleId?: string;
  /** The parsed request body, as sent (undefined when it was not JSON). */
  body: unknown;
}

/** Settings that `server.configure()` can change while the server runs. */
export interface ServerSettings {
  latencyMs: number;
  tokensPerSecond: number;
}

/** What every route handler shares. */
export interface ServerContext {
  catalog: ModelCatalog;
  rules: RuleBook;
  settings: ServerSettings;
  embeddingDimensions: number;
  pauses: PauseSet;
  record(call: ModelServerCall): void;
  /** A fresh number for response and tool-call ids. */
  nextId(): number;
}
