/**
 * Carries generated text from the runtime's synchronous `onToken` to an async consumer. Text that
 * piles up while the consumer is busy is handed over joined, so a slow reader gets fewer, larger
 * events instead of slowing the generation.
 */
export interface TextChannel extends AsyncIterable<string> {
  push(text: string): void;
  /** Ends the iteration once the pending text is read. */
  close(): void;
  /** Whether any text was pushed. */
  readonly started: boolean;
}

export function createTextChannel(): TextChannel {
  const pending: string[] = [];
  let closed = false;
  let started = false;
  let wake: (() => void) | undefined;

  function notify(): void {
    const resume = wake;
    wake = undefined;
    resume?.();
  }

  return {
    push(text) {
      started = true;
      pending.push(text);
      notify();
    },
    close() {
      closed = true;
      notify();
    },
    get started() {
      return started;
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (pending.length > 0) {
          const text = pending.length === 1 ? (pending[0] ?? "") : pending.join("");
          pending.length = 0;
          yield text;
          continue;
        }
        if (closed) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}
