import type { NodeUsage } from "./node-usage.ts";

/**
 * The engine's one way to reach language models. Nodes never construct clients: they describe what
 * they want (a model reference and a routing policy) and the gateway picks the model that answers,
 * falls back when it must, refuses cloud models for private workflows, and accounts for usage.
 */

/** local-only: never a cloud provider. local-first: local models, then cloud on failure. cloud-first: the reverse. */
export type RoutingPolicy = "local-only" | "local-first" | "cloud-first";

export interface ModelSelection {
  /** `"provider:model"` (`"ollama:qwen2.5:3b"`, `"openai:gpt-4o-mini"`, `"local:stories260K"`) or a tier (`"tier:fast"`). */
  model: string;
  policy?: RoutingPolicy;
  /** Models to try, in order, when the first fails (error, timeout, 429, or output that fails validation). */
  fallbacks?: string[];
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  /** Per attempt. */
  timeoutMs?: number;
}

export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  /** Assistant messages that called tools. */
  toolCalls?: ToolCall[];
  /** Tool messages: which call they answer. */
  toolCallId?: string;
}

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  selection: ModelSelection;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  /** Ask for JSON output (with a schema when the provider supports one). */
  responseFormat?: { type: "json"; schema?: Record<string, unknown> };
  /** Streams text as it arrives. */
  onDelta?: (text: string) => void;
  signal: AbortSignal;
  /** The workflow or knowledge base is private: only local models may answer. */
  private: boolean;
  /**
   * Checks an answer (e.g. against a JSON schema); a message means it failed, and the gateway tries
   * the next model in the chain, recording why.
   */
  validate?: (result: ChatResult) => string | null;
}

export interface ChatResult {
  text: string;
  toolCalls: ToolCall[];
  finishReason: "stop" | "length" | "tool_calls" | "other";
  /** Tokens, timing, cost, and which model answered (with the fallbacks that led to it). */
  usage: NodeUsage & { latencyMs: number };
}

export interface EmbedRequest {
  model: string;
  texts: string[];
  signal: AbortSignal;
  private: boolean;
}

export interface RerankRequest {
  /** `"provider:model"` of a cross-encoder served at the provider's `/rerank`. */
  model: string;
  query: string;
  documents: string[];
  signal: AbortSignal;
  private: boolean;
}

export interface RerankResult {
  /** One relevance score per document, in the order given (higher is more relevant). */
  scores: number[];
  usage: { tokensIn: number; latencyMs: number; model: { provider: string; model: string } };
}

export interface ModelInfo {
  provider: string;
  model: string;
  local: boolean;
  /** Tokens the model accepts in one request (prompt and answer). */
  contextLength: number;
  capabilities: { chat: boolean; streaming: boolean; tools: boolean; json: boolean; embeddings: boolean };
}

export interface ModelGateway {
  chat(request: ChatRequest): Promise<ChatResult>;
  embed(request: EmbedRequest): Promise<{ vectors: number[][]; usage: { tokensIn: number; latencyMs: number; model: { provider: string; model: string } } }>;
  /** Scores documents against a query with a rerank model (no fallback: scores of two models do not mix). */
  rerank?(request: RerankRequest): Promise<RerankResult>;
  /** What is known about a model (resolving tiers); null when the reference names nothing configured. */
  describe(model: string): Promise<ModelInfo | null>;
  /** Counts tokens offline (bundled BPE ranks), for sizing prompts and chunks. */
  countTokens(text: string): number;
  /**
   * Whether a reference names only local models (a tier: all of its models); undefined when it names
   * nothing configured. Lets validation refuse cloud models in private workflows before a run starts.
   */
  isLocal?(reference: string): boolean | undefined;
}
