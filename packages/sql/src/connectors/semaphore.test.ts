import { describe, expect, it } from "vitest";
import { createSemaphore } from "./semaphore.ts";

describe("createSemaphore", () => {
  it("lets `limit` holders in at once and the rest in arrival order", async () => {
    const semaphore = createSemaphore(2);
    const order: string[] = [];
    const first = await semaphore.acquire();
    const second = await semaphore.acquire();
    const third = semaphore.acquire().then((release) => {
      order.push("third");
      return release;
    });
    const fourth = semaphore.acquire().then((release) => {
      order.push("fourth");
      return release;
    });
    expect(semaphore.active).toBe(2);
    expect(semaphore.waiting).toBe(2);
    first();
    first();
    (await third)();
    second();
    (await fourth)();
    expect(order).toEqual(["third", "fourth"]);
    expect(semaphore.active).toBe(0);
  });

  it("drops a waiter whose signal aborts, without taking its slot", async () => {
    const semaphore = createSemaphore(1);
    const release = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort(new Error("gave up"));
    await expect(waiting).rejects.toThrow("gave up");
    expect(semaphore.waiting).toBe(0);
    release();
    expect(semaphore.active).toBe(0);
    await expect(semaphore.acquire(AbortSignal.abort())).rejects.toThrow();
    expect(() => createSemaphore(0)).toThrow(RangeError);
  });
});
