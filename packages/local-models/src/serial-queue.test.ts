import { describe, expect, it } from "vitest";
import { isLocalModelError } from "./local-model-error.ts";
import { createSerialQueue } from "./serial-queue.ts";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe("createSerialQueue", () => {
  it("runs tasks one at a time in arrival order", async () => {
    const queue = createSerialQueue();
    const events: string[] = [];
    const gate = deferred();
    const first = queue.run(async () => {
      events.push("first:start");
      await gate.promise;
      events.push("first:end");
      return 1;
    });
    const second = queue.run(async () => {
      events.push("second:start");
      return 2;
    });
    expect(queue.size).toBe(2);
    await Promise.resolve();
    gate.resolve();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(events).toEqual(["first:start", "first:end", "second:start"]);
    expect(queue.size).toBe(0);
  });

  it("keeps going after a task fails", async () => {
    const queue = createSerialQueue();
    const failing = queue.run(async () => {
      throw new Error("boom");
    });
    const next = queue.run(async () => "ok");
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ok");
  });

  it("rejects a waiting task when its signal aborts and never runs it", async () => {
    const queue = createSerialQueue();
    const gate = deferred();
    let ran = false;
    const blocker = queue.run(() => gate.promise);
    const controller = new AbortController();
    const waiting = queue.run(async () => {
      ran = true;
    }, controller.signal);
    controller.abort();
    const error: unknown = await waiting.catch((caught: unknown) => caught);
    expect(isLocalModelError(error) && error.code).toBe("aborted");
    gate.resolve();
    await blocker;
    await queue.run(async () => undefined);
    expect(ran).toBe(false);
  });

  it("rejects at once a task whose signal is already aborted", async () => {
    const queue = createSerialQueue();
    const error: unknown = await queue.run(async () => "never", AbortSignal.abort()).catch((caught: unknown) => caught);
    expect(isLocalModelError(error) && error.code).toBe("aborted");
    expect(queue.size).toBe(0);
  });
});
