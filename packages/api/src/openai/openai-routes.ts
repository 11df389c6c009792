import { startVariables } from "@tandem/engine";
import { z } from "zod";
import type { HistoryMessage, PublishedApp } from "@tandem/runner";
import { answerStreamNodes, answerText, createRunTally, tallyEvent } from "../answer-stream.ts";
import { ApiProblem } from "../http/api-problem.ts";
import { readJsonBody } from "../http/read-json-body.ts";
import { sendJson } from "../http/send.ts";
import { openSseStream } from "../http/sse-stream.ts";
import { isFinalEvent, type ApiRequest, type FinalEvent } from "../api-request.ts";
import { openAiError } from "./openai-error.ts";

const contentPart = z.object({ type: z.string(), text: z.string().optional() }).passthrough();
const messageSchema = z
  .object({
    role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
    content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
  })
  .passthrough();
const completionRequestSchema = z
  .object({
    model: z.string().min(1, "model is required: the slug of a published app"),
    messages: z.array(messageSchema).min(1, "messages must hold at least one message"),
    stream: z.boolean().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).passthrough().nullish(),
    user: z.string().max(255).optional(),
    /** Not OpenAI's: the app's start inputs, for workflows with more than one. */
    inputs: z.record(z.unknown()).optional(),
  })
  .passthrough();

function textOf(content: z.infer<typeof messageSchema>["content"]): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => (part.type === "text" && typeof part.text === "string" ? part.text : "")).join("");
}

const QUERY_INPUT_NAMES = ["query", "question", "input", "message", "prompt", "text"];

/**
 * The app's inputs for an OpenAI request: the last user message goes to the workflow's query-like input
 * (one named query, question, input, message, prompt or text, else its first text input) unless the
 * request's `inputs` already set it.
 */
function workflowInputs(app: PublishedApp, query: string, given: Record<string, unknown>): Record<string, unknown> {
  const variables = startVariables(app.document).filter(
    (variable) => variable.type === "text" || variable.type === "paragraph",
  );
  const target = variables.find((variable) => QUERY_INPUT_NAMES.includes(variable.name.toLowerCase())) ?? variables[0];
  if (target === undefined || given[target.name] !== undefined) return given;
  return { ...given, [target.name]: query };
}

async function models(api: ApiRequest): Promise<void> {
  const app = await api.services.appRuns.resolveApp(api.caller);
  const model = { id: app.slug, object: "model", created: 0, owned_by: "tandem" };
  const wanted = /^\/v1\/models\/(.+)$/.exec(api.path)?.[1];
  if (wanted !== undefined) {
    if (decodeURIComponent(wanted) !== app.slug && decodeURIComponent(wanted) !== app.id) throw new ApiProblem(404, "model_not_found", `The model ${wanted} does not exist or this key cannot call it.`);
    sendJson(api.response, 200, model);
    return;
  }
  sendJson(api.response, 200, { object: "list", data: [model] });
}

async function chatCompletions(api: ApiRequest): Promise<void> {
  const parsed = completionRequestSchema.safeParse(await readJsonBody(api.request));
  if (!parsed.success) {
    throw new ApiProblem(400, "invalid_request_error", parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; "));
  }
  const body = parsed.data;
  const app = await api.services.appRuns.resolveApp(api.caller);
  if (body.model !== app.slug && body.model !== app.id) {
    throw new ApiProblem(404, "model_not_found", `The model ${body.model} does not exist or this key cannot call it; this key calls "${app.slug}".`);
  }
  const turns = body.messages.filter((message) => message.role === "user" || message.role === "assistant");
  const last = turns.at(-1);
  if (last?.role !== "user") throw new ApiProblem(400, "invalid_request_error", "messages must end with a user message.");
  const query = textOf(last.content);
  const history: HistoryMessage[] = turns.slice(0, -1).map((message) => ({ role: message.role as "user" | "assistant", content: textOf(message.content) }));
  const isChat = app.kind === "chatflow";
  const started = await api.services.appRuns.start(
    api.caller,
    {
      inputs: isChat ? (body.inputs ?? {}) : workflowInputs(app, query, body.inputs ?? {}),
      user: body.user ?? "openai-client",
      ...(isChat ? { query, history } : {}),
    },
    { watch: true },
  );
  const watch = started.watch;
  if (!watch) throw new ApiProblem(500, "internal_server_error", "The run could not be watched.");
  const id = `chatcmpl-${started.run.id}`;
  const created = Math.floor(started.run.createdAt.getTime() / 1000);
  const answerNodes = answerStreamNodes(started.app.document);
  const tally = createRunTally();
  const usage = (final: FinalEvent | undefined) => ({
    prompt_tokens: tally.promptTokens,
    completion_tokens: tally.completionTokens,
    total_tokens: Math.max(final?.totalTokens ?? 0, tally.promptTokens + tally.completionTokens),
  });

  if (body.stream) {
    const stream = openSseStream(api.request, api.response, { pingMs: api.options.pingMs, ping: ": ping\n\n" });
    stream.onClose(() => watch.close());
    const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
      id,
      object: "chat.completion.chunk",
      created,
      model: body.model,
      system_fingerprint: null,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    stream.send(chunk({ role: "assistant", content: "" }, null));
    let streamed = "";
    let final: FinalEvent | undefined;
    for await (const { event } of watch) {
      tallyEvent(tally, event);
      if (event.type === "node-delta" && answerNodes.has(event.nodeId) && event.text !== "") {
        streamed += event.text;
        stream.send(chunk({ content: event.text }, null));
      }
      if (isFinalEvent(event)) {
        final = event;
        break;
      }
    }
    if (final?.type === "run-error") {
      stream.send(openAiError(500, "workflow_failed", `The app's run failed: ${final.error}`));
    } else {
      // Text the app did not stream (a workflow whose answer is not one model's text) arrives whole.
      const answer = final?.type === "run-end" ? answerText(started.app.kind, final.outputs) : "";
      if (streamed === "" && answer !== "") stream.send(chunk({ content: answer }, null));
      stream.send(chunk({}, final?.type === "run-end" && final.status === "stopped" ? "length" : "stop"));
      if (body.stream_options?.include_usage) stream.send({ id, object: "chat.completion.chunk", created, model: body.model, system_fingerprint: null, choices: [], usage: usage(final) });
    }
    stream.raw("data: [DONE]\n\n");
    stream.end();
    return;
  }

  api.response.once("close", () => watch.close());
  let final: FinalEvent | undefined;
  for await (const { event } of watch) {
    tallyEvent(tally, event);
    if (isFinalEvent(event)) {
      final = event;
      break;
    }
  }
  if (final?.type !== "run-end") throw new ApiProblem(500, "workflow_failed", `The app's run failed: ${final?.error ?? "it ended without a result"}`);
  sendJson(api.response, 200, {
    id,
    object: "chat.completion",
    created,
    model: body.model,
    system_fingerprint: null,
    choices: [{ index: 0, message: { role: "assistant", content: answerText(started.app.kind, final.outputs), refusal: null }, logprobs: null, finish_reason: final.status === "stopped" ? "length" : "stop" }],
    usage: usage(final),
  });
}

/** OpenAI-compatible routes: a published app is a model named by its slug. */
export async function handleOpenAiRoute(api: ApiRequest): Promise<boolean> {
  if (api.method === "POST" && api.path === "/v1/chat/completions") await chatCompletions(api);
  else if (api.method === "GET" && (api.path === "/v1/models" || api.path.startsWith("/v1/models/"))) await models(api);
  else return false;
  return true;
}
