import type { AppRunView, RunWatch, StartedAppRun } from "@tandem/runner";
import { difyWorkflowRunData } from "@tandem/runner";
import { answerStreamNodes, answerText, createRunTally, tallyEvent, usageOf } from "../answer-stream.ts";
import { ApiProblem } from "../http/api-problem.ts";
import { readJsonBody } from "../http/read-json-body.ts";
import { sendJson } from "../http/send.ts";
import { openSseStream } from "../http/sse-stream.ts";
import { isFinalEvent, type ApiRequest, type FinalEvent } from "../api-request.ts";
import { difyEventsFor, finishedData, type DifyStreamContext } from "./dify-events.ts";

const seconds = (date: Date | null) => (date === null ? null : Math.floor(date.getTime() / 1000));

type ResponseMode = "blocking" | "streaming" | "async";

function responseMode(body: Record<string, unknown>): ResponseMode {
  const mode = body.response_mode ?? "blocking";
  if (mode === "blocking" || mode === "streaming" || mode === "async") return mode;
  throw new ApiProblem(400, "invalid_param", `response_mode must be "blocking", "streaming" or "async", not ${JSON.stringify(mode)}.`);
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new ApiProblem(400, "invalid_param", `${name} must be a string.`);
  return value;
}

function idempotencyKey(api: ApiRequest): string | undefined {
  const header = api.request.headers["idempotency-key"];
  const value = Array.isArray(header) ? header[0] : header;
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function inputsOf(body: Record<string, unknown>): Record<string, unknown> {
  const inputs = body.inputs ?? {};
  if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) throw new ApiProblem(400, "invalid_param", "inputs must be an object of the app's input values.");
  return inputs as Record<string, unknown>;
}

/** Starts a workflow or chat run from a Dify request body. */
async function startRun(api: ApiRequest, body: Record<string, unknown>, kind: "workflow" | "chatflow", mode: ResponseMode): Promise<StartedAppRun> {
  const files = body.files;
  if (Array.isArray(files) && files.length > 0) throw new ApiProblem(415, "unsupported_file_type", "File inputs are not supported by the published API yet; send text inputs.");
  const conversationId = optionalString(body, "conversation_id");
  const query = kind === "chatflow" ? optionalString(body, "query") : undefined;
  const callbackUrl = optionalString(body, "callback_url");
  const key = idempotencyKey(api);
  return api.services.appRuns.start(
    api.caller,
    {
      inputs: inputsOf(body),
      user: typeof body.user === "string" ? body.user : "",
      ...(query === undefined ? {} : { query }),
      ...(conversationId === undefined ? {} : { conversationId }),
      ...(key === undefined ? {} : { idempotencyKey: key }),
      ...(callbackUrl === undefined ? {} : { callbackUrl }),
    },
    { kind, watch: mode !== "async" },
  );
}

function contextFor(started: StartedAppRun): DifyStreamContext {
  return {
    runId: started.run.id,
    app: started.app,
    answerNodes: answerStreamNodes(started.app.document),
    tally: createRunTally(),
    conversationId: started.run.conversationId,
    createdAt: started.run.createdAt.getTime(),
  };
}

/** Streams a run's events as Dify SSE until its end; the client leaving stops the stream, not the run. */
async function streamRun(api: ApiRequest, watch: RunWatch, context: DifyStreamContext): Promise<void> {
  const stream = openSseStream(api.request, api.response, { pingMs: api.options.pingMs });
  stream.onClose(() => watch.close());
  for await (const { seq, event } of watch) {
    tallyEvent(context.tally, event);
    for (const payload of difyEventsFor(context, event)) stream.send(payload, seq);
    if (isFinalEvent(event)) break;
  }
  stream.end();
}

/** Consumes a run's events until its end (tallying usage and citations) and returns the last one. */
async function awaitEnd(watch: RunWatch, context: DifyStreamContext): Promise<FinalEvent | undefined> {
  for await (const { event } of watch) {
    tallyEvent(context.tally, event);
    if (event.type === "node-delta" && context.answerNodes.has(event.nodeId)) context.tally.streamedAnswer += event.text;
    if (isFinalEvent(event)) return event;
  }
  return undefined;
}

async function runWorkflow(api: ApiRequest): Promise<void> {
  const body = await readJsonBody(api.request);
  const mode = responseMode(body);
  const started = await startRun(api, body, "workflow", mode);
  if (mode === "async" || !started.watch) {
    sendJson(api.response, 202, { task_id: started.run.id, workflow_run_id: started.run.id, status: started.run.status === "queued" ? "running" : started.run.status }, started.existing ? { "idempotent-replayed": "true" } : {});
    return;
  }
  const context = contextFor(started);
  if (mode === "streaming") return streamRun(api, started.watch, context);
  // A client that leaves stops the waiting, not the run.
  api.response.once("close", () => started.watch?.close());
  const final = await awaitEnd(started.watch, context);
  const data = final ? finishedData(context, final) : difyWorkflowRunData(await api.services.appRuns.get(api.caller, started.run.id));
  sendJson(api.response, 200, { task_id: started.run.id, workflow_run_id: started.run.id, data }, started.existing ? { "idempotent-replayed": "true" } : {});
}

async function chatMessage(api: ApiRequest): Promise<void> {
  const body = await readJsonBody(api.request);
  const mode = responseMode(body);
  if (optionalString(body, "query") === undefined) throw new ApiProblem(400, "invalid_param", "query is required: the user's message.");
  const started = await startRun(api, body, "chatflow", mode);
  if (mode === "async" || !started.watch) {
    sendJson(api.response, 202, { task_id: started.run.id, message_id: started.run.id, conversation_id: started.run.conversationId, workflow_run_id: started.run.id });
    return;
  }
  const context = contextFor(started);
  if (mode === "streaming") return streamRun(api, started.watch, context);
  api.response.once("close", () => started.watch?.close());
  const final = await awaitEnd(started.watch, context);
  if (final?.type === "run-error") throw new ApiProblem(500, "completion_request_error", `The chatflow failed: ${final.error}`);
  const answer = final?.type === "run-end" ? answerText("chatflow", final.outputs) : "";
  sendJson(api.response, 200, {
    event: "message",
    task_id: started.run.id,
    id: started.run.id,
    message_id: started.run.id,
    conversation_id: started.run.conversationId,
    mode: "advanced-chat",
    answer,
    metadata: { usage: usageOf(context.tally, final?.totalTokens), retriever_resources: context.tally.retrieverResources },
    created_at: seconds(started.run.createdAt),
  });
}

function runStatus(run: AppRunView) {
  const data = difyWorkflowRunData(run);
  return {
    id: data.id,
    workflow_id: data.workflow_id,
    status: data.status,
    inputs: JSON.stringify(run.inputs),
    outputs: run.outputs,
    error: data.error,
    total_steps: data.total_steps,
    total_tokens: data.total_tokens,
    created_at: data.created_at,
    finished_at: data.finished_at,
    elapsed_time: data.elapsed_time,
  };
}

async function stopRun(api: ApiRequest, runId: string): Promise<void> {
  await readJsonBody(api.request);
  await api.services.appRuns.stop(api.caller, runId);
  sendJson(api.response, 200, { result: "success" });
}

/** GET /v1/workflow/{id}/events: the stored events, then live ones; Last-Event-ID (or ?last_event_id) skips those seen. */
async function resumeEvents(api: ApiRequest, runId: string): Promise<void> {
  const header = api.request.headers["last-event-id"];
  const raw = (Array.isArray(header) ? header[0] : header) ?? api.url.searchParams.get("last_event_id") ?? "0";
  const afterSeq = Number(raw);
  if (!Number.isInteger(afterSeq) || afterSeq < 0) throw new ApiProblem(400, "invalid_param", `Last-Event-ID must be the id of an event this stream sent, not ${JSON.stringify(raw)}.`);
  const [run, app] = await Promise.all([api.services.appRuns.get(api.caller, runId), api.services.appRuns.resolveApp(api.caller)]);
  const watch = await api.services.appRuns.watch(api.caller, runId, { afterSeq });
  const context: DifyStreamContext = {
    runId,
    app,
    answerNodes: answerStreamNodes(app.document),
    tally: createRunTally(),
    conversationId: run.conversationId,
    createdAt: run.createdAt.getTime(),
  };
  await streamRun(api, watch, context);
}

async function trace(api: ApiRequest, runId: string): Promise<void> {
  const { run, nodes } = await api.services.appRuns.trace(api.caller, runId);
  sendJson(api.response, 200, {
    workflow_run_id: run.id,
    status: difyWorkflowRunData(run).status,
    elapsed_time: (run.elapsedMs ?? 0) / 1000,
    total_tokens: run.totalTokens,
    total_price: run.totalCost.toFixed(7),
    currency: "USD",
    nodes: nodes.map((node) => ({
      id: node.id,
      node_id: node.nodeId,
      node_type: node.nodeType,
      title: node.title,
      index: node.index,
      iteration_index: node.iterationIndex,
      status: node.status,
      attempt: node.attempt,
      inputs: node.inputs,
      outputs: node.outputs,
      error: node.error,
      model: node.model,
      prompt_tokens: node.tokensIn,
      completion_tokens: node.tokensOut,
      total_price: node.cost.toFixed(7),
      elapsed_time: (node.elapsedMs ?? 0) / 1000,
      created_at: seconds(node.startedAt),
      finished_at: seconds(node.finishedAt),
    })),
  });
}

function requireUser(api: ApiRequest): string {
  const user = api.url.searchParams.get("user");
  if (!user) throw new ApiProblem(400, "invalid_param", "user is required (?user=<end user id>).");
  return user;
}

function limitOf(api: ApiRequest): number {
  const raw = api.url.searchParams.get("limit");
  const limit = raw === null ? 20 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ApiProblem(400, "invalid_param", "limit must be an integer from 1 to 100.");
  return limit;
}

async function conversations(api: ApiRequest): Promise<void> {
  const limit = limitOf(api);
  const rows = await api.services.appRuns.conversations(api.caller, requireUser(api), { limit: limit + 1 });
  sendJson(api.response, 200, {
    limit,
    has_more: rows.length > limit,
    data: rows.slice(0, limit).map((row) => ({ id: row.id, name: row.name, inputs: {}, status: "normal", introduction: "", created_at: seconds(row.createdAt), updated_at: seconds(row.updatedAt) })),
  });
}

async function messages(api: ApiRequest): Promise<void> {
  const conversationId = api.url.searchParams.get("conversation_id");
  if (!conversationId) throw new ApiProblem(400, "invalid_param", "conversation_id is required.");
  const limit = limitOf(api);
  const runs = await api.services.appRuns.messages(api.caller, conversationId, requireUser(api), { limit: limit + 1 });
  sendJson(api.response, 200, {
    limit,
    has_more: runs.length > limit,
    data: runs.slice(-limit).map((run) => ({
      id: run.id,
      conversation_id: run.conversationId,
      inputs: run.inputs,
      query: run.query ?? "",
      answer: answerText("chatflow", run.outputs),
      status: run.status === "failed" ? "error" : "normal",
      error: run.error,
      created_at: seconds(run.createdAt),
    })),
  });
}

async function info(api: ApiRequest): Promise<void> {
  const app = await api.services.appRuns.resolveApp(api.caller);
  sendJson(api.response, 200, { name: app.name, description: app.description, tags: [], mode: app.kind === "chatflow" ? "advanced-chat" : "workflow", version: app.version });
}

/** Dify's service API routes (and Tandem's additions under the same `/v1`). */
export async function handleDifyRoute(api: ApiRequest): Promise<boolean> {
  const { method, path } = api;
  let match: RegExpExecArray | null;
  if (method === "POST" && path === "/v1/workflows/run") await runWorkflow(api);
  else if (method === "POST" && path === "/v1/chat-messages") await chatMessage(api);
  else if (method === "GET" && path === "/v1/parameters") sendJson(api.response, 200, await api.services.appRuns.parameters(api.caller));
  else if (method === "GET" && path === "/v1/info") await info(api);
  else if (method === "GET" && path === "/v1/conversations") await conversations(api);
  else if (method === "GET" && path === "/v1/messages") await messages(api);
  else if (method === "GET" && (match = /^\/v1\/workflows\/run\/([^/]+)$/.exec(path))) sendJson(api.response, 200, runStatus(await api.services.appRuns.get(api.caller, match[1] ?? "")));
  else if (method === "GET" && (match = /^\/v1\/workflows\/run\/([^/]+)\/trace$/.exec(path))) await trace(api, match[1] ?? "");
  else if (method === "POST" && (match = /^\/v1\/(?:workflows\/tasks|chat-messages)\/([^/]+)\/stop$/.exec(path))) await stopRun(api, match[1] ?? "");
  else if (method === "GET" && (match = /^\/v1\/workflows?\/(?:run\/)?([^/]+)\/events$/.exec(path))) await resumeEvents(api, match[1] ?? "");
  else return false;
  return true;
}
