import { Annotation, MemorySaver, StateGraph, START, END } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { flushEventsBeforeCheckpoints } from "./flush-events-before-checkpoints.ts";

describe("flushEventsBeforeCheckpoints", () => {
  it("stores a step's events before the checkpoint that records the step as done", async () => {
    const buffered: string[] = [];
    const stored: string[] = [];
    // Each checkpoint write: the steps it records as done, and the events stored when it was made.
    const writes: Array<{ steps: string[]; stored: string[] }> = [];
    const saver = new MemorySaver();
    const realPut = saver.put.bind(saver);
    const realPutWrites = saver.putWrites.bind(saver);
    saver.put = async (...args: Parameters<MemorySaver["put"]>) => {
      const steps = args[1].channel_values.steps;
      writes.push({ steps: Array.isArray(steps) ? (steps as string[]) : [], stored: [...stored] });
      return realPut(...args);
    };
    saver.putWrites = async (config, pending, taskId, taskPath) => {
      writes.push({ steps: pending.flatMap(([channel, value]) => (channel === "steps" && Array.isArray(value) ? (value as string[]) : [])), stored: [...stored] });
      return realPutWrites(config, pending, taskId, taskPath);
    };
    const flush = () => {
      stored.push(...buffered.splice(0));
    };
    const State = Annotation.Root({ steps: Annotation<string[]>({ reducer: (left, right) => [...left, ...right], default: () => [] }) });
    const step = (name: string) => () => {
      buffered.push(`${name} done`);
      return { steps: [name] };
    };
    const graph = new StateGraph(State).addNode("a", step("a")).addNode("b", step("b")).addEdge(START, "a").addEdge("a", "b").addEdge("b", END);
    const app = graph.compile({ checkpointer: flushEventsBeforeCheckpoints(saver, flush) });
    const final = await app.invoke({}, { configurable: { thread_id: "t1" }, durability: "sync" });

    expect(final.steps).toEqual(["a", "b"]);
    expect(buffered).toEqual([]);
    expect(writes.flatMap((write) => write.steps)).toContain("b");
    for (const write of writes) expect(write.stored).toEqual(expect.arrayContaining(write.steps.map((name) => `${name} done`)));
    // The wrapped saver still reads back what it stored (its other methods keep their own `this`).
    const tuple = await flushEventsBeforeCheckpoints(saver, flush).getTuple({ configurable: { thread_id: "t1" } });
    expect(tuple?.checkpoint.channel_values).toMatchObject({ steps: ["a", "b"] });
  });
});
