import type { ChatMessage } from "../../ports/model-gateway.ts";
import type { NodeContext } from "../../runtime/node-implementation.ts";
import { readConversationHistory } from "../shared/read-conversation-history.ts";
import type { LlmConfig } from "./llm.schema.ts";

/** System prompt, then the remembered turns, then the configured messages, with references filled in. */
export function buildLlmMessages(config: LlmConfig, context: NodeContext): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const system = config.system === undefined ? "" : context.render(config.system).trim();
  if (system !== "") messages.push({ role: "system", content: system });
  if (config.memory?.enabled) messages.push(...readConversationHistory(context, config.memory.window));
  for (const message of config.messages) messages.push({ role: message.role, content: context.render(message.text) });
  return messages;
}
