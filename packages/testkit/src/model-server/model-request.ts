/** The protocol a request arrived in; each answers in its own shapes. */
export type ModelProtocol = "openai" | "ollama";

/** What kind of work a request asks for; rules can match on it. */
export type ModelEndpoint = "chat" | "embeddings" | "completions" | "rerank";

/** A chat message as the server understood it, the same for both protocols. */
export interface ChatMessage {
  role: string;
  /** The text of the message; content parts are joined, images and other parts are dropped. */
  content: string;
  /** Tool calls an assistant message carries, when the client sends the conversation back. */
  toolCalls?: { name: string; arguments: unknown }[];
  /** For a tool result message (OpenAI `tool_call_id`). */
  toolCallId?: string;
}

/** A tool the client offered the model. */
export interface ToolSpec {
  name: string;
  description?: string;
  parameters?: unknown;
}

/** A request normalised across protocols: what rules match on and what the call log records. */
export interface ModelRequest {
  protocol: ModelProtocol;
  endpoint: ModelEndpoint;
  /** The URL path, e.g. `/v1/chat/completions` or `/api/chat`. */
  path: string;
  model: string;
  messages: ChatMessage[];
  /** The text of the last user message (the prompt, for completions; the inputs, for embeddings). */
  prompt: string;
  /** Every message's content joined by newlines: what `match.prompt` is tested against. */
  promptText: string;
  /** The system messages' content joined by newlines; empty when there are none. */
  system: string;
  tools?: ToolSpec[];
  stream: boolean;
  /** Whether the client asked for JSON output (`response_format`, or Ollama's `format`). */
  json: boolean;
  /** The client's cap on generated tokens, if any. */
  maxTokens?: number;
  /** The parsed request body, as sent. */
  body: unknown;
  /** `Date.now()` when the request arrived. */
  receivedAt: number;
}

/** Fills in the derived fields (`prompt`, `promptText`, `system`) of a request. */
export function createModelRequest(
  fields: Omit<ModelRequest, "prompt" | "promptText" | "system"> & { prompt?: string },
): ModelRequest {
  let prompt = fields.prompt;
  let promptText = "";
  let system = "";
  for (let index = 0; index < fields.messages.length; index++) {
    const message = fields.messages[index];
    if (message === undefined) continue;
    promptText = index === 0 ? message.content : `${promptText}\n${message.content}`;
    if (message.role === "system") system = system === "" ? message.content : `${system}\n${message.content}`;
  }
  if (prompt === undefined) {
    prompt = "";
    for (let index = fields.messages.length - 1; index >= 0; index--) {
      const message = fields.messages[index];
      if (message?.role === "user") {
        prompt = message.content;
        break;
      }
    }
  }
  return { ...fields, prompt, promptText, system };
}
