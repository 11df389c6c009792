import type { ServerResponse } from "node:http";
import type { ModelRequest } from "./model-request.ts";
import { planResponse, type ResponsePlan } from "./plan-response.ts";
import type { ServerContext } from "./server-context.ts";

function unknownModelMessage(request: ModelRequest): string {
  return request.protocol === "openai"
    ? `The model '${request.model}' does not exist or you do not have access to it.`
    : `model "${request.model}" not found, try pulling it first`;
}

/**
 * The steps every model request shares: check the model, take the matching rule, plan the answer,
 * record the call, then wait out latency, delay rules and (for blocking replies) generation time.
 * Resolves undefined when the client left or the server closed during the wait.
 */
export async function prepareResponse(
  context: ServerContext,
  request: ModelRequest,
  response: ServerResponse,
): Promise<ResponsePlan | undefined> {
  let plan: ResponsePlan;
  if (context.catalog.resolve(request.model) === undefined) {
    plan = { kind: "error", status: 404, message: unknownModelMessage(request), code: "model_not_found", delayMs: 0 };
  } else {
    const taken = context.rules.take(request);
    const id = context.nextId();
    plan = planResponse(request, taken?.reply, {
      tokensPerSecond: context.settings.tokensPerSecond,
      ruleId: taken?.id,
      toolCallId: (index) => `call_scripted_${id}_${index}`,
    });
  }
  // Embeddings requests plan a reply too (rules may still fail or delay them), but answer no text.
  const reply = plan.kind === "reply" && request.endpoint !== "embeddings" ? plan : undefined;
  context.record({
    at: request.receivedAt,
    protocol: request.protocol,
    endpoint: request.endpoint,
    path: request.path,
    model: request.model,
    messages: request.messages,
    prompt: request.prompt,
    system: request.system,
    tools: request.tools,
    stream: request.stream,
    json: request.json,
    status: plan.kind === "error" ? plan.status : 200,
    responseText: reply?.text,
    toolCalls:
      reply !== undefined && reply.toolCalls.length > 0
        ? reply.toolCalls.map((call) => ({ name: call.name, arguments: call.arguments }))
        : undefined,
    ruleId: plan.ruleId,
    body: request.body,
  });
  let waitMs = context.settings.latencyMs + plan.delayMs;
  if (reply !== undefined && !request.stream && Number.isFinite(reply.tokensPerSecond) && reply.tokensPerSecond > 0) {
    // A real server takes as long to finish a blocking reply as to stream it.
    waitMs += (reply.completionTokens / reply.tokensPerSecond) * 1000;
  }
  if (waitMs > 0 && !(await context.pauses.wait(waitMs, response))) return undefined;
  return plan;
}
