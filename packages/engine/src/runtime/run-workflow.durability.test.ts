import { MemorySaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { runTestWorkflow } from "../testing/run-test-workflow.ts";
import { chain, edge, node, rawDocument } from "../testing/test-documents.ts";
import { createTestCatalog } from "../testing/test-nodes.ts";

const start = () => node("start", "start", { variables: [] });
const end = (outputs: Array<[string, string[]]>) => node("end", "end", { outputs: outputs.map(([name, selector]) => ({ name, selector })) });

/** The LangGraph step of the run's newest checkpoint: -1 the input, 0 the input applied, then one per step. */
async function lastStep(checkpointer: MemorySaver, runId: string): Promise<number | undefined> {
  return (await checkpointer.getTuple({ configurable: { thread_id: runId } }))?.metadata?.step;
}

/** Records each barrier call with the records of the newest checkpoint at that moment. */
function barrierSpy(checkpointer: MemorySaver, runId: string) {
  const calls: string[][] = [];
  return {
    calls,
    barrier: async () => {
      const tuple = await checkpointer.getTuple({ configurable: { thread_id: runId } });
      const records = (tuple?.checkpoint.channel_values.records ?? {}) as Record<string, unknown>;
      calls.push(Object.keys(records).sort());
    },
  };
}

describe("runWorkflow: steps and durability of side effects (ADR 0019)", () => {
  it("runs a workflow with one side effect without LangGraph: no checkpoint, the same events and outcome", async () => {
    const checkpointer = new MemorySaver();
    const document = rawDocument(
      "workflow",
      [start(), node("call", "probe_impure", { value: "v" }), node("after", "probe", { inputs: { v: ["call", "value"] } }), end([["v", ["after", "v"]]])],
      chain("start", "call", "after", "end"),
    );
    const direct = await runTestWorkflow(document, { checkpointer, runId: "direct" });
    expect(direct.outcome).toMatchObject({ status: "succeeded", outputs: { v: "v" }, totalSteps: 4 });
    expect(await checkpointer.getTuple({ configurable: { thread_id: "direct" } })).toBeUndefined();
    expect(direct.events.map((event) => (event.type === "node-start" || event.type === "node-end" ? `${event.type}:${event.nodeId}:${event.index}` : event.type))).toEqual([
      "run-start",
      "node-start:start:1",
      "node-end:start:1",
      "node-start:call:2",
      "node-end:call:2",
      "node-start:after:3",
      "node-end:after:3",
      "node-start:end:4",
      "node-end:end:4",
      "run-end",
    ]);
  });

  it("fails a run with one side effect that exceeds maxSteps, as LangGraph runs do", async () => {
    const document = rawDocument(
      "workflow",
      [start(), node("call", "probe_impure", { value: "v" }), node("after", "probe", {}), end([])],
      chain("start", "call", "after", "end"),
      { settings: { maxSteps: 2 } },
    );
    const { outcome } = await runTestWorkflow(document, { runId: "direct-limit" });
    expect(outcome.status).toBe("failed");
    expect(outcome.error).toContain("limit of 2 steps");
  });

  it("gives each of two chained side effects one LangGraph step, the pure nodes after each running in it", async () => {
    const checkpointer = new MemorySaver();
    const document = rawDocument(
      "workflow",
      [start(), node("first", "probe_impure", { value: 1 }), node("second", "probe_impure", { value: 2 }), end([["second", ["second", "value"]]])],
      chain("start", "first", "second", "end"),
    );
    const { outcome } = await runTestWorkflow(document, { checkpointer, runId: "two-steps" });
    expect(outcome.status).toBe("succeeded");
    expect(await lastStep(checkpointer, "two-steps")).toBe(2);
  });

  it("secures nothing when a run has a single side effect", async () => {
    const checkpointer = new MemorySaver();
    const spy = barrierSpy(checkpointer, "single");
    const document = rawDocument("workflow", [start(), node("call", "probe_impure", { value: "v" }), end([["v", ["call", "value"]]])], chain("start", "call", "end"));
    const { outcome } = await runTestWorkflow(document, { checkpointer, durabilityBarrier: spy.barrier, runId: "single" });
    expect(outcome.status).toBe("succeeded");
    expect(spy.calls).toEqual([]);
  });

  it("secures a finished side effect before the next one starts, with that side effect in the checkpoint", async () => {
    const test = createTestCatalog();
    const checkpointer = new MemorySaver();
    const spy = barrierSpy(checkpointer, "chained");
    const document = rawDocument(
      "workflow",
      [start(), node("first", "probe_impure", { value: 1 }), node("second", "probe_impure", { value: 2 }), node("third", "probe_impure", { value: 3 }), end([["third", ["third", "value"]]])],
      chain("start", "first", "second", "third", "end"),
    );
    const { outcome } = await runTestWorkflow(document, { test, checkpointer, durabilityBarrier: spy.barrier, runId: "chained" });
    expect(outcome.status).toBe("succeeded");
    expect(spy.calls).toEqual([
      ["first", "start"],
      ["first", "second", "start"],
    ]);
  });

  it("secures parallel side effects once before the side effect that follows them", async () => {
    const checkpointer = new MemorySaver();
    const spy = barrierSpy(checkpointer, "fan-out");
    const document = rawDocument(
      "workflow",
      [start(), node("left", "probe_impure", { value: "l" }), node("right", "probe_impure", { value: "r" }), node("join", "probe_impure", { value: "j" }), end([["join", ["join", "value"]]])],
      [edge("start", "left"), edge("start", "right"), edge("left", "join"), edge("right", "join"), edge("join", "end")],
    );
    const { outcome } = await runTestWorkflow(document, { checkpointer, durabilityBarrier: spy.barrier, runId: "fan-out" });
    expect(outcome.status).toBe("succeeded");
    expect(spy.calls).toEqual([["left", "right", "start"]]);
  });

  it("secures a finished side effect in the background when pure work goes on after it", async () => {
    const checkpointer = new MemorySaver();
    const spy = barrierSpy(checkpointer, "tail");
    // The pure tail runs in a step of its own only when the side effect's step has ended: make it so
    // with a second, parallel side effect whose branch the tail waits for.
    const document = rawDocument(
      "workflow",
      [
        start(),
        node("quick", "probe_impure", { value: "q" }),
        node("other", "probe_impure", { value: "o" }),
        node("tail", "probe", { inputs: { q: ["quick", "value"], o: ["other", "value"] }, sleepMs: 400 }),
        end([["q", ["tail", "q"]]]),
      ],
      [edge("start", "quick"), edge("start", "other"), edge("quick", "tail"), edge("other", "tail"), edge("tail", "end")],
    );
    const { outcome } = await runTestWorkflow(document, { checkpointer, durabilityBarrier: spy.barrier, runId: "tail" });
    expect(outcome.status).toBe("succeeded");
    expect(spy.calls.length).toBeGreaterThanOrEqual(1);
    expect(spy.calls[0]).toEqual(expect.arrayContaining(["quick", "other"]));
  });

  it("fails the next side effect, rather than risk repeating one, when its checkpoint cannot be stored", async () => {
    const test = createTestCatalog();
    const checkpointer = new MemorySaver();
    const document = rawDocument(
      "workflow",
      [start(), node("first", "probe_impure", { value: 1 }), node("second", "probe_impure", { value: 2 }), end([["second", ["second", "value"]]])],
      chain("start", "first", "second", "end"),
    );
    const { outcome } = await runTestWorkflow(document, {
      test,
      checkpointer,
      durabilityBarrier: () => Promise.reject(new Error("database gone")),
      runId: "unstorable",
    });
    expect(outcome.status).toBe("failed");
    expect(outcome.error).toContain("database gone");
    expect(test.recorder.count("first")).toBe(1);
    expect(test.recorder.count("second")).toBe(0);
  });
});
