import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatMessage, ChatRequest } from "../ports/model-gateway.ts";

/** The gateway's messages as LangChain messages (assistant tool calls and tool answers keep their ids). */
export function toLangChainMessages(messages: ChatMessage[]): BaseMessage[] {
  return messages.map((message) => {
    switch (message.role) {
      case "system":
        return new SystemMessage(message.content);
      case "user":
        return new HumanMessage(message.content);
      case "assistant":
        return new AIMessage({
          content: message.content,
          tool_calls: (message.toolCalls ?? []).map((call) => ({ id: call.id, name: call.name, args: call.arguments, type: "tool_call" as const })),
        });
      case "tool":
        return new ToolMessage({ content: message.content, tool_call_id: message.toolCallId ?? "" });
    }
  });
}

/**
 * Adds "answer with a JSON object" when JSON output is asked for and no message mentions JSON: OpenAI's
 * json_object mode refuses such prompts, Anthropic has no JSON mode at all, and small models follow
 * the instruction better than a bare format flag.
 */
export function withJsonInstruction(messages: ChatMessage[], responseFormat: ChatRequest["responseFormat"]): ChatMessage[] {
  if (responseFormat === undefined || messages.some((message) => /json/i.test(message.content))) return messages;
  const instruction = responseFormat.schema
    ? `Answer with a JSON object only, matching this JSON schema: ${JSON.stringify(responseFormat.schema)}`
    : "Answer with a JSON object only.";
  // One system message, first: Anthropic refuses a second one.
  const [first, ...rest] = messages;
  if (first?.role === "system") return [{ ...first, content: `${first.content}\n\n${instruction}` }, ...rest];
  return [{ role: "system", content: instruction }, ...messages];
}

/** Text for runtimes without roles for tool calls: calls and answers inlined as text. */
export function flattenForLocalRuntime(messages: ChatMessage[]): Array<{ role: ChatMessage["role"]; content: string }> {
  return messages.map((message) => {
    const calls = (message.toolCalls ?? []).map((call) => `\nCalled tool ${call.name} with ${JSON.stringify(call.arguments)}`).join("");
    return { role: message.role, content: `${message.content}${calls}` };
  });
}

/** Everything sent, as one text, for counting prompt tokens when the provider reports none. */
export function promptText(messages: ChatMessage[]): string {
  return messages.map((message) => `${message.role}: ${message.content}${message.toolCalls ? JSON.stringify(message.toolCalls) : ""}`).join("\n");
}
