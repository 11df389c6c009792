/**
 * Reasoning models (qwen3, deepseek-r1, many small local ones) wrap their chain of thought in
 * `<think>…</think>` before the answer. Nodes keep that out of the answer text and hand it on
 * separately, so downstream nodes (and JSON parsing) see only the answer.
 */
const THINK_BLOCK = /<think>([\s\S]*?)(?:<\/think>|$)/gi;
/** Some servers strip the opening tag and send only the closing one. */
const ORPHAN_CLOSE = /^([\s\S]*?)<\/think>/i;

export function splitReasoning(text: string): { text: string; reasoning: string } {
  const reasoning: string[] = [];
  let answer = text.replace(THINK_BLOCK, (_match, thought: string) => {
    reasoning.push(thought.trim());
    return "";
  });
  const orphan = ORPHAN_CLOSE.exec(answer);
  if (orphan) {
    reasoning.unshift((orphan[1] ?? "").trim());
    answer = answer.slice(orphan[0].length);
  }
  return { text: answer.trim(), reasoning: reasoning.filter((part) => part !== "").join("\n\n") };
}

const OPEN = "<think>";
const CLOSE = "</think>";

/**
 * Filters a stream of text pieces so that what is inside `<think>…</think>` is not passed on, even
 * when a tag is split across pieces. Leading whitespace after a thought is dropped as well.
 */
export function createReasoningFilter(emit: (text: string) => void): { push: (piece: string) => void; flush: () => void } {
  let inside = false;
  let pending = "";
  let started = false;
  const push = (piece: string): void => {
    pending += piece;
    let out = "";
    for (;;) {
      const tag = inside ? CLOSE : OPEN;
      const at = pending.toLowerCase().indexOf(tag);
      if (at >= 0) {
        if (!inside) out += pending.slice(0, at);
        pending = pending.slice(at + tag.length);
        inside = !inside;
        continue;
      }
      // Keep a tail that could be the start of a tag split across pieces.
      const keep = partialTagLength(pending, tag);
      if (!inside) out += pending.slice(0, pending.length - keep);
      pending = pending.slice(pending.length - keep);
      break;
    }
    if (!started) out = out.replace(/^\s+/, "");
    if (out !== "") {
      started = true;
      emit(out);
    }
  };
  return {
    push,
    /** Passes on a held-back tail that turned out not to be a tag. */
    flush: () => {
      if (!inside && pending.trim() !== "") emit(pending);
      pending = "";
    },
  };
}

function partialTagLength(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length -= 1) {
    if (tag.startsWith(text.slice(text.length - length).toLowerCase())) return length;
  }
  return 0;
}
