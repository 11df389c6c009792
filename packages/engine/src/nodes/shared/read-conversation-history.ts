import { z } from "zod";
import type { ChatMessage } from "../../ports/model-gateway.ts";
import type { NodeContext } from "../../runtime/node-implementation.ts";

const historyEntrySchema = z.object({ role: z.enum(["user", "assistant"]), content: z.string() });

/**
 * The last `window` turns of a chatflow's conversation (`sys.history`, oldest first). A turn is a
 * user message with the assistant messages that answered it, as Dify's memory window counts them.
 * Entries of another shape are skipped; outside chatflows there is no history and this is empty.
 */
export function readConversationHistory(context: NodeContext, window: number): ChatMessage[] {
  const raw = context.resolve(["sys", "history"]);
  if (!Array.isArray(raw)) return [];
  const entries = raw.flatMap((item) => {
    const parsed = historyEntrySchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
  let turns = 0;
  let start = 0;
  for (let index = entries.length - 1; index >= 0; index -= 1) {
    if (entries[index]?.role !== "user") continue;
    turns += 1;
    if (turns === window) {
      start = index;
      break;
    }
  }
  return entries.slice(start).map((entry) => ({ role: entry.role, content: entry.content }));
}
