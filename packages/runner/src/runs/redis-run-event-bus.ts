import { Redis } from "ioredis";
import { closeRedis } from "../redis/redis-script.ts";
import type { RunEventBus, RunEventSubscription, SequencedRunEvent } from "./run-event-bus.ts";

export interface RedisRunEventBusOptions {
  /** `redis://…` */
  redisUrl: string;
  /** Key prefix (TANDEM_QUEUE_PREFIX): one deployment's processes agree on it, parallel test runs differ. */
  prefix: string;
}

type Listener = (event: SequencedRunEvent) => void;

/** One entry per subscription (the same function may subscribe twice). */
type Channel = Set<{ listener: Listener }>;

/**
 * The run event bus of scaled mode: Redis pub/sub, one channel per run (`<prefix>:run-events:<runId>`),
 * so an event a worker publishes reaches the SSE stream a web process serves. One publishing connection
 * (commands of one turn pipelined) and one subscribing connection per process, opened on first use.
 * The subscriber holds ONE pattern subscription to the deployment's run channels, made once, rather
 * than a subscription per run: following a run then costs no round trip to Redis before the run can be
 * queued (ADR 0019), and messages of runs nobody here follows are dropped by their channel name, unread.
 * Events travel as the JSON of `SequencedRunEvent`.
 *
 * Pub/sub delivers at most once, in the order one process published: a subscriber that was not
 * connected misses events, which is why streams replay stored events first (the recorder writes each
 * event before publishing it) and then follow, skipping seq numbers they have already sent.
 */
export function createRedisRunEventBus(options: RedisRunEventBusOptions): RunEventBus {
  const channelOf = (runId: string) => `${options.prefix}:run-events:${runId}`;
  // Publishing fails fast when Redis is away (the event is stored anyway); the subscriber waits and resubscribes.
  // Named after the deployment's prefix, so an operator (and a test) can tell them in CLIENT LIST.
  const publisher = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true, connectionName: `${options.prefix}:run-events:publisher` });
  const subscriber = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: null, connectionName: `${options.prefix}:run-events:subscriber` });
  // ioredis reconnects by itself; failed commands are reported where they are awaited.
  publisher.on("error", () => undefined);
  subscriber.on("error", () => undefined);
  const channels = new Map<string, Channel>();
  let closed = false;
  let publishFailureReported = false;
  let following: Promise<void> | undefined;

  subscriber.on("pmessage", (_pattern: string, channelName: string, message: string) => {
    const channel = channels.get(channelName);
    if (channel === undefined) return;
    let event: SequencedRunEvent;
    try {
      event = JSON.parse(message) as SequencedRunEvent;
    } catch {
      return;
    }
    for (const subscription of [...channel]) {
      // A listener is removed while we iterate: it gets nothing more.
      if (!channel.has(subscription)) continue;
      try {
        subscription.listener(event);
      } catch (error) {
        console.error(JSON.stringify({ event: "run-event-listener-failed", channel: channelName, error: String(error) }));
      }
    }
  });

  const noSubscription = (): RunEventSubscription => Object.assign(() => undefined, { ready: Promise.resolve() });

  return {
    publish(runId, event) {
      if (closed) return;
      publisher.publish(channelOf(runId), JSON.stringify(event)).then(
        () => {
          publishFailureReported = false;
        },
        (error: unknown) => {
          // Live followers miss this event until Redis is back; the stored copy is unaffected. Reported once per outage.
          if (publishFailureReported) return;
          publishFailureReported = true;
          console.error(JSON.stringify({ event: "run-event-publish-failed", runId, error: String(error) }));
        },
      );
    },

    subscribe(runId, listener) {
      if (closed) return noSubscription();
      if (following === undefined) {
        following = subscriber.psubscribe(channelOf("*")).then(() => undefined);
        // Whoever awaits `ready` sees a failure; nobody awaiting it is no unhandled rejection.
        following.catch(() => undefined);
      }
      const name = channelOf(runId);
      let channel = channels.get(name);
      if (channel === undefined) {
        channel = new Set();
        channels.set(name, channel);
      }
      const subscription = { listener };
      const current = channel;
      current.add(subscription);
      const unsubscribe = () => {
        if (!current.delete(subscription)) return;
        if (current.size === 0 && channels.get(name) === current) channels.delete(name);
      };
      return Object.assign(unsubscribe, { ready: following });
    },

    async close() {
      if (closed) return;
      closed = true;
      channels.clear();
      await Promise.all([closeRedis(publisher), closeRedis(subscriber)]);
    },
  };
}
