import { Redis } from "ioredis";
import { createRedisRunEventBus, type RunEventBus, type SequencedRunEvent } from "@tandem/runner";
import { requireService, services, waitFor } from "@tandem/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniquePrefix } from "./support/redis-test-keys.ts";

const redisUp = await requireService("redis");

function delta(runId: string, seq: number): SequencedRunEvent {
  return { seq, event: { type: "node-delta", runId, at: 1_700_000_000_000 + seq, nodeId: "llm", text: `token ${seq} ✓ “quoted”` } };
}

/** Publishes a marker on another run and waits for it: everything published before it has been delivered by then. */
async function flush(publisher: RunEventBus, subscriber: RunEventBus): Promise<void> {
  const runId = `marker-${Math.random()}`;
  let seen = false;
  const unsubscribe = subscriber.subscribe(runId, () => {
    seen = true;
  });
  await unsubscribe.ready;
  publisher.publish(runId, delta(runId, 0));
  await waitFor(() => (seen ? true : undefined), { what: "the marker event" });
  unsubscribe();
}

describe.skipIf(!redisUp)("the Redis run event bus (scaled mode)", () => {
  const prefix = uniquePrefix("bus");
  // Two buses, as a worker and a web process would each have.
  let worker: RunEventBus;
  let web: RunEventBus;
  let inspector: Redis;

  beforeAll(() => {
    worker = createRedisRunEventBus({ redisUrl: services.redis.url, prefix });
    web = createRedisRunEventBus({ redisUrl: services.redis.url, prefix });
    inspector = new Redis(services.redis.url);
  });
  afterAll(async () => {
    await worker?.close();
    await web?.close();
    await inspector?.quit();
  });

  it("delivers what one process publishes to a subscriber in another, in order and intact", async () => {
    const received: SequencedRunEvent[] = [];
    const unsubscribe = web.subscribe("run-1", (event) => received.push(event));
    await unsubscribe.ready;
    const sent = Array.from({ length: 200 }, (_, index) => delta("run-1", index + 1));
    for (const event of sent) worker.publish("run-1", event);
    await waitFor(() => (received.length === sent.length ? true : undefined), { what: "200 events" });
    expect(received).toEqual(sent);
    unsubscribe();
  });

  it("keeps runs apart: a subscriber hears only its run", async () => {
    const received: number[] = [];
    const unsubscribe = web.subscribe("run-a", ({ seq }) => received.push(seq));
    await unsubscribe.ready;
    worker.publish("run-b", delta("run-b", 1));
    worker.publish("run-a", delta("run-a", 2));
    await flush(worker, web);
    expect(received).toEqual([2]);
    unsubscribe();
  });

  it("follows every run with one pattern subscription per process, delivering to each listener until it unsubscribes", async () => {
    const first: number[] = [];
    const second: number[] = [];
    const unsubscribeFirst = web.subscribe("run-2", ({ seq }) => first.push(seq));
    const unsubscribeSecond = web.subscribe("run-2", ({ seq }) => second.push(seq));
    await Promise.all([unsubscribeFirst.ready, unsubscribeSecond.ready]);
    // The deployment's run channels, as one pattern; no channel of its own per run.
    const [, perRun] = (await inspector.pubsub("NUMSUB", `${prefix}:run-events:run-2`)) as [string, number];
    expect(perRun).toBe(0);

    worker.publish("run-2", delta("run-2", 1));
    await flush(worker, web);
    expect([first, second]).toEqual([[1], [1]]);

    unsubscribeFirst();
    unsubscribeFirst();
    worker.publish("run-2", delta("run-2", 2));
    await flush(worker, web);
    expect([first, second]).toEqual([[1], [1, 2]]);

    unsubscribeSecond();
    worker.publish("run-2", delta("run-2", 3));
    await flush(worker, web);
    expect([first, second]).toEqual([[1], [1, 2]]);
  });

  it("a listener that throws does not keep the others from their events", async () => {
    const received: number[] = [];
    const quiet = console.error;
    console.error = () => undefined;
    try {
      const failing = web.subscribe("run-3", () => {
        throw new Error("listener bug");
      });
      const working = web.subscribe("run-3", ({ seq }) => received.push(seq));
      await working.ready;
      worker.publish("run-3", delta("run-3", 1));
      worker.publish("run-3", delta("run-3", 2));
      await flush(worker, web);
      expect(received).toEqual([1, 2]);
      failing();
      working();
    } finally {
      console.error = quiet;
    }
  });

  it("does not cross deployments: another prefix hears nothing", async () => {
    const other = createRedisRunEventBus({ redisUrl: services.redis.url, prefix: uniquePrefix("bus-other") });
    try {
      const heard: number[] = [];
      const unsubscribe = other.subscribe("run-4", ({ seq }) => heard.push(seq));
      await unsubscribe.ready;
      const mine: number[] = [];
      const follow = web.subscribe("run-4", ({ seq }) => mine.push(seq));
      await follow.ready;
      worker.publish("run-4", delta("run-4", 1));
      await waitFor(() => (mine.length === 1 ? true : undefined));
      await flush(worker, web);
      expect(heard).toEqual([]);
      follow();
      unsubscribe();
    } finally {
      await other.close();
    }
  });

  it("closes both connections; a closed bus publishes and delivers nothing", async () => {
    const ownPrefix = uniquePrefix("bus-close");
    const bus = createRedisRunEventBus({ redisUrl: services.redis.url, prefix: ownPrefix });
    const connections = async () => ((await inspector.call("CLIENT", "LIST")) as string).split("\n").filter((line) => line.includes(`name=${ownPrefix}:run-events:`)).length;
    const heard: number[] = [];
    const unsubscribe = bus.subscribe("run-5", ({ seq }) => heard.push(seq));
    await unsubscribe.ready;
    bus.publish("run-5", delta("run-5", 0));
    await waitFor(() => (heard.length === 1 ? true : undefined), { what: "the bus's own event" });
    expect(await connections()).toBe(2);
    await bus.close();
    await waitFor(async () => ((await connections()) === 0 ? true : undefined), { what: "the bus's connections to close" });
    // Closed: it publishes nothing and delivers nothing, even what another process of the deployment publishes.
    const other = createRedisRunEventBus({ redisUrl: services.redis.url, prefix: ownPrefix });
    bus.publish("run-5", delta("run-5", 1));
    const after = bus.subscribe("run-5", ({ seq }) => heard.push(seq));
    await after.ready;
    other.publish("run-5", delta("run-5", 2));
    await flush(other, other);
    expect(heard).toEqual([0]);
    await other.close();
    after();
    unsubscribe();
    await bus.close();
  });
});
