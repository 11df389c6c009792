import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DifyApiError, DifyClient, type DifyEvent } from "../../support/dify-client.ts";
import { askWorkflow, chatflow, startPublishedApiFixture, type PublishedApiFixture } from "./support/published-api-fixture.ts";

async function collect(events: AsyncIterable<DifyEvent>): Promise<DifyEvent[]> {
  const all: DifyEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

async function refusal(promise: Promise<unknown>): Promise<DifyApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DifyApiError) return error;
    throw error;
  }
  throw new Error("expected the API to refuse");
}

describe("the Dify-compatible API, through a Dify client written from the contract", () => {
  let fixture: PublishedApiFixture;
  let workflow: DifyClient;
  let chat: DifyClient;
  let workflowKey = "";

  beforeAll(async () => {
    fixture = await startPublishedApiFixture();
    const published = await fixture.publish(askWorkflow());
    workflowKey = published.key;
    workflow = new DifyClient({ baseUrl: fixture.baseUrl, apiKey: published.key });
    chat = new DifyClient({ baseUrl: fixture.baseUrl, apiKey: (await fixture.publish(chatflow())).key });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it("runs a workflow blocking and reports it as Dify does", async () => {
    fixture.models.addRule({ match: { prompt: "What is Tandem?" }, times: 1, reply: { type: "text", text: "A workflow platform." } });
    const { status, body } = await workflow.runWorkflow({ inputs: { query: "What is Tandem?" }, user: "user-1", response_mode: "blocking" });
    expect(status).toBe(200);
    const data = body.data as Record<string, unknown>;
    expect(body.task_id).toBe(body.workflow_run_id);
    expect(data).toMatchObject({ id: body.workflow_run_id, status: "succeeded", outputs: { answer: "A workflow platform." }, error: null, total_steps: 3 });
    expect(typeof data.elapsed_time).toBe("number");
    expect(data.total_tokens).toBeGreaterThan(0);
    expect(data.finished_at as number).toBeGreaterThanOrEqual(data.created_at as number);

    const run = await workflow.workflowRun(String(body.workflow_run_id));
    expect(run.body).toMatchObject({ id: body.workflow_run_id, status: "succeeded", outputs: { answer: "A workflow platform." }, total_steps: 3 });
    expect(JSON.parse(String(run.body.inputs))).toEqual({ query: "What is Tandem?" });
    // Its move to running and its end were stored in one statement: both kept.
    const stored = await fixture.tandem.db.prisma.run.findUniqueOrThrow({ where: { id: String(body.workflow_run_id) } });
    expect(stored.startedAt).not.toBeNull();
    expect(stored.finishedAt?.getTime()).toBeGreaterThanOrEqual(stored.startedAt?.getTime() ?? Number.POSITIVE_INFINITY);
    expect(await fixture.tandem.db.prisma.nodeExecution.count({ where: { runId: stored.id } })).toBe(3);
  });

  it("streams a workflow: started, nodes, text chunks as the model writes, finished", async () => {
    fixture.models.addRule({ match: { prompt: "Stream please" }, times: 1, reply: { type: "text", text: "one two three four" } });
    const events = await collect(workflow.streamWorkflow({ inputs: { query: "Stream please" }, user: "user-1" }));
    const names = events.map((event) => event.event);
    expect(names[0]).toBe("workflow_started");
    expect(names.at(-1)).toBe("workflow_finished");
    expect(names.filter((name) => name === "node_started")).toHaveLength(3);
    expect(names.filter((name) => name === "node_finished")).toHaveLength(3);
    const chunks = events.filter((event) => event.event === "text_chunk");
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((event) => (event.data as { text: string }).text).join("")).toBe("one two three four");
    expect((chunks[0]?.data as { from_variable_selector: string[] }).from_variable_selector).toEqual(["llm", "text"]);
    // The first chunk comes before the llm node finishes.
    expect(names.indexOf("text_chunk")).toBeLessThan(names.lastIndexOf("node_finished"));
    for (const event of events) expect(event).toMatchObject({ task_id: events[0]?.task_id, workflow_run_id: events[0]?.workflow_run_id });
    const llmFinished = events.find((event) => event.event === "node_finished" && (event.data as { node_id: string }).node_id === "llm");
    expect(llmFinished?.data).toMatchObject({ node_type: "llm", status: "succeeded", outputs: { text: "one two three four" }, execution_metadata: { currency: "USD" } });
    expect((events.at(-1)?.data as Record<string, unknown>).status).toBe("succeeded");
    // Every event carries its sequence id for resuming.
    expect(events.every((event) => event.sseId !== undefined && Number(event.sseId) > 0)).toBe(true);
  });

  it("answers parameters with the app's input form", async () => {
    const { body } = await workflow.parameters();
    expect(body.user_input_form).toEqual([{ paragraph: { label: "query", variable: "query", required: true, default: "" } }]);
    const chatParameters = await chat.parameters();
    expect(chatParameters.body.user_input_form).toEqual([{ select: { label: "tone", variable: "tone", required: false, default: "plain", options: ["plain", "formal"] } }]);
  });

  it("stops a running workflow and reports it stopped", async () => {
    fixture.models.addRule({ match: { prompt: "Take your time" }, times: 1, reply: { type: "delay", ms: 30_000, then: { type: "text", text: "late" } } });
    const stream = workflow.streamWorkflow({ inputs: { query: "Take your time" }, user: "user-2" });
    const seen: DifyEvent[] = [];
    for await (const event of stream) {
      seen.push(event);
      if (event.event === "node_started" && (event.data as { node_id: string }).node_id === "llm") {
        expect((await workflow.stopTask(String(event.task_id), "user-2")).body).toEqual({ result: "success" });
      }
    }
    expect(seen.at(-1)?.event).toBe("workflow_finished");
    expect((seen.at(-1)?.data as { status: string }).status).toBe("stopped");
    const status = await workflow.workflowRun(String(seen[0]?.workflow_run_id));
    expect(status.body.status).toBe("stopped");
  });

  it("chats with memory: a conversation id, its history given to the model, streamed messages", async () => {
    fixture.models.addRule({ match: { prompt: "My name is Ada" }, times: 1, reply: { type: "text", text: "Hello Ada." } });
    const first = await chat.chat({ query: "My name is Ada", user: "ada", response_mode: "blocking" });
    expect(first.body).toMatchObject({ event: "message", mode: "advanced-chat", answer: "Hello Ada." });
    expect(first.body.message_id).toBe(first.body.id);
    const conversationId = String(first.body.conversation_id);
    expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect((first.body.metadata as { usage: { total_tokens: number } }).usage.total_tokens).toBeGreaterThan(0);

    fixture.models.resetCalls();
    fixture.models.addRule({ match: { prompt: "What is my name?" }, times: 1, reply: { type: "text", text: "Your name is Ada." } });
    const events = await collect(chat.streamChat({ query: "What is my name?", user: "ada", conversation_id: conversationId }));
    const answer = events.filter((event) => event.event === "message").map((event) => String(event.answer)).join("");
    expect(answer).toBe("Your name is Ada.");
    expect(events.at(-1)).toMatchObject({ event: "message_end", conversation_id: conversationId });
    // The model saw the earlier turn.
    const sent = fixture.models.calls.find((call) => call.endpoint === "chat");
    expect(JSON.stringify(sent?.body)).toContain("My name is Ada");
    expect(JSON.stringify(sent?.body)).toContain("Hello Ada.");

    // Dify clients list the conversations and their messages.
    const listed = await chat.json("GET", "/v1/conversations?user=ada");
    expect((listed.body.data as Array<{ id: string }>).map((conversation) => conversation.id)).toContain(conversationId);
    const history = await chat.json("GET", `/v1/messages?user=ada&conversation_id=${conversationId}`);
    expect((history.body.data as Array<{ query: string; answer: string }>).map((message) => [message.query, message.answer])).toEqual([
      ["My name is Ada", "Hello Ada."],
      ["What is my name?", "Your name is Ada."],
    ]);

    // Another user cannot continue it.
    const stranger = await refusal(chat.chat({ query: "Hi", user: "mallory", conversation_id: conversationId, response_mode: "blocking" }));
    expect([stranger.status, stranger.code]).toEqual([404, "conversation_not_exists"]);
  });

  it("refuses bad requests with Dify's envelope and what to fix", async () => {
    const missing = await refusal(workflow.runWorkflow({ inputs: {}, user: "user-1", response_mode: "blocking" }));
    expect([missing.status, missing.code]).toEqual([400, "invalid_param"]);
    expect(missing.message).toMatch(/query is required/);
    const noUser = await refusal(workflow.json("POST", "/v1/workflows/run", { inputs: { query: "x" }, response_mode: "blocking" }));
    expect([noUser.status, noUser.code]).toEqual([400, "invalid_param"]);
    expect(noUser.message).toMatch(/user is required/);
    const wrongMode = await refusal(workflow.json("POST", "/v1/workflows/run", { inputs: { query: "x" }, user: "u", response_mode: "sometimes" }));
    expect(wrongMode.code).toBe("invalid_param");
    const notChat = await refusal(workflow.chat({ query: "Hi", user: "u", response_mode: "blocking" }));
    expect([notChat.status, notChat.code]).toEqual([400, "bad_request"]);
    const unknownRun = await refusal(workflow.workflowRun("00000000-0000-0000-0000-000000000000"));
    expect([unknownRun.status, unknownRun.code]).toEqual([404, "not_found"]);
    const badJson = await fetch(`${fixture.baseUrl}/v1/workflows/run`, { method: "POST", headers: { authorization: `Bearer ${workflowKey}`, "content-type": "application/json" }, body: "{nope" });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ code: "invalid_param", status: 400 });
  });

  it("refuses requests without a valid key, and a revoked key", async () => {
    const anonymous = await fetch(`${fixture.baseUrl}/v1/parameters`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: "unauthorized", status: 401 });
    const wrong = await refusal(new DifyClient({ baseUrl: fixture.baseUrl, apiKey: "app-not-a-key" }).parameters());
    expect([wrong.status, wrong.code]).toEqual([401, "unauthorized"]);

    const published = await fixture.publish(askWorkflow());
    const client = new DifyClient({ baseUrl: fixture.baseUrl, apiKey: published.key });
    expect((await client.parameters()).status).toBe(200);
    await fixture.tandem.publishing.revokeApiKey(fixture.workspaceId, published.keyId);
    const revoked = await refusal(client.parameters());
    expect([revoked.status, revoked.code]).toEqual([401, "unauthorized"]);
    expect(revoked.message).toMatch(/revoked/);
  });

  it("runs an app's new version from the moment it is published", async () => {
    const published = await fixture.publish(askWorkflow());
    const client = new DifyClient({ baseUrl: fixture.baseUrl, apiKey: published.key });
    expect((await client.json("GET", "/v1/info")).body).toMatchObject({ mode: "workflow", version: 1 });
    await fixture.tandem.publishing.publishApp(fixture.workspaceId, published.appId);
    expect((await client.json("GET", "/v1/info")).body).toMatchObject({ version: 2 });
  });

  it("answers 429 past a key's rate limit, with Retry-After", async () => {
    const published = await fixture.publish(askWorkflow(), { keyLimits: { rateLimitPerMin: 2 } });
    const client = new DifyClient({ baseUrl: fixture.baseUrl, apiKey: published.key });
    await client.parameters();
    await client.parameters();
    const limited = await refusal(client.parameters());
    expect([limited.status, limited.code]).toEqual([429, "too_many_requests"]);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
