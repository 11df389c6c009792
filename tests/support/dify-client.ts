/**
 * A Dify service-API client written from API.md (the contract Dify's own clients follow), to prove an
 * existing Dify integration works against Tandem unchanged: JSON requests with a Bearer key, blocking
 * replies, SSE streams of `data: {json}` events (pings ignored), Dify's error envelope.
 */
export interface DifyEvent {
  event: string;
  /** The SSE `id:` line, when the server sent one. */
  sseId?: string;
  [field: string]: unknown;
}

export class DifyApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Headers,
  ) {
    super(message);
  }
}

export interface DifyClientOptions {
  baseUrl: string;
  apiKey: string;
}

/** Parses an SSE body into events; `data: [DONE]` and comments are skipped. */
export async function* readSse(response: Response): AsyncGenerator<{ id?: string; event?: string; data: string }> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let boundary: number;
    while ((boundary = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const fields: { id?: string; event?: string; data: string[] } = { data: [] };
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (name === "data") fields.data.push(value);
        else if (name === "id") fields.id = value;
        else if (name === "event") fields.event = value;
      }
      yield { ...(fields.id === undefined ? {} : { id: fields.id }), ...(fields.event === undefined ? {} : { event: fields.event }), data: fields.data.join("\n") };
    }
  }
}

export class DifyClient {
  constructor(private readonly options: DifyClientOptions) {}

  private async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const response = await fetch(`${this.options.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.options.apiKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status >= 400) {
      const error = (await response.json()) as { code: string; message: string; status: number };
      throw new DifyApiError(response.status, error.code, error.message, response.headers);
    }
    return response;
  }

  async json<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T; headers: Headers }> {
    const response = await this.request(method, path, body, headers);
    return { status: response.status, body: (await response.json()) as T, headers: response.headers };
  }

  /** The events of a streaming reply, in order, pings left out. */
  async *stream(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): AsyncGenerator<DifyEvent> {
    const response = await this.request(method, path, body, headers);
    if (!(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) throw new Error(`expected an event stream, got ${response.headers.get("content-type")}`);
    for await (const message of readSse(response)) {
      if (message.event === "ping" || message.data === "") continue;
      yield { ...(JSON.parse(message.data) as DifyEvent), ...(message.id === undefined ? {} : { sseId: message.id }) };
    }
  }

  runWorkflow(body: { inputs: Record<string, unknown>; user: string; response_mode: "blocking" | "async"; callback_url?: string }, headers: Record<string, string> = {}) {
    return this.json("POST", "/v1/workflows/run", body, headers);
  }

  streamWorkflow(body: { inputs: Record<string, unknown>; user: string }) {
    return this.stream("POST", "/v1/workflows/run", { ...body, response_mode: "streaming" });
  }

  workflowRun(runId: string) {
    return this.json("GET", `/v1/workflows/run/${runId}`);
  }

  stopTask(taskId: string, user: string) {
    return this.json("POST", `/v1/workflows/tasks/${taskId}/stop`, { user });
  }

  chat(body: { query: string; inputs?: Record<string, unknown>; user: string; conversation_id?: string; response_mode: "blocking" }) {
    return this.json("POST", "/v1/chat-messages", { inputs: {}, ...body });
  }

  streamChat(body: { query: string; inputs?: Record<string, unknown>; user: string; conversation_id?: string }) {
    return this.stream("POST", "/v1/chat-messages", { inputs: {}, ...body, response_mode: "streaming" });
  }

  parameters() {
    return this.json("GET", "/v1/parameters");
  }
}
