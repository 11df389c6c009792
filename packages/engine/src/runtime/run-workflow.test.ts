import { MemorySaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { eventsOf, nodeEnd, runTestWorkflow, startedNodes } from "../testing/run-test-workflow.ts";
import { chain, edge, node, rawDocument } from "../testing/test-documents.ts";
import { createTestCatalog } from "../testing/test-nodes.ts";

const start = (variables: unknown[] = [{ name: "query", type: "text", required: true }]) => node("start", "start", { variables });
const end = (outputs: Array<[string, string[]]>) => node("end", "end", { outputs: outputs.map(([name, selector]) => ({ name, selector })) });
const template = (id: string, variables: Record<string, string[]>, text: string) =>
  node(id, "template", { variables: Object.entries(variables).map(([name, selector]) => ({ name, selector })), template: text });

/** start(query) → shout (template) → echo (impure probe) → wrap (template) → end. */
function linear() {
  return rawDocument(
    "workflow",
    [
      start(),
      template("shout", { q: ["start", "query"] }, "{{ q | upper }}!"),
      node("echo", "probe_impure", { inputs: { text: ["shout", "output"] }, value: "echoed" }),
      template("wrap", { text: ["echo", "text"], value: ["echo", "value"] }, "[{{ text }}|{{ value }}]"),
      end([
        ["result", ["wrap", "output"]],
        ["query", ["start", "query"]],
        ["missing", ["start", "query", "not", "there"]],
      ]),
    ],
    chain("start", "shout", "echo", "wrap", "end"),
  );
}

describe("runWorkflow", () => {
  it("runs a linear chain and returns what the End node collected", async () => {
    const { outcome, recorder } = await runTestWorkflow(linear(), { inputs: { query: "hello" } });
    expect(outcome).toMatchObject({ status: "succeeded", outputs: { result: "[HELLO!|echoed]", query: "hello", missing: null }, totalSteps: 5 });
    expect(outcome.error).toBeUndefined();
    expect(recorder.calls.map((call) => call.nodeId)).toEqual(["echo"]);
    expect(recorder.calls[0]?.inputs).toEqual({ text: "HELLO!" });
  });

  it("emits run-start, node-start/node-end pairs with increasing indexes, and run-end, in order", async () => {
    const { events, outcome } = await runTestWorkflow(linear(), { inputs: { query: "hello" }, runId: "run-events" });
    expect(events.map((event) => event.type)).toEqual([
      "run-start",
      ...Array.from({ length: 5 }, () => ["node-start", "node-end"]).flat(),
      "run-end",
    ]);
    for (const event of events) expect(event.runId).toBe("run-events");
    const times = events.map((event) => event.at);
    expect(times).toEqual([...times].sort((left, right) => left - right));

    expect(events[0]).toEqual({ type: "run-start", runId: "run-events", at: expect.any(Number) as number, inputs: { query: "hello" } });
    const starts = eventsOf(events, "node-start");
    expect(starts.map((event) => event.nodeId)).toEqual(["start", "shout", "echo", "wrap", "end"]);
    expect(starts.map((event) => event.index)).toEqual([1, 2, 3, 4, 5]);
    expect(starts.map((event) => event.predecessorNodeId)).toEqual([null, "start", "shout", "echo", "wrap"]);
    expect(starts[2]).toEqual({
      type: "node-start",
      runId: "run-events",
      at: expect.any(Number) as number,
      nodeId: "echo",
      nodeType: "probe_impure",
      title: "",
      index: 3,
      predecessorNodeId: "shout",
    });

    const ends = eventsOf(events, "node-end");
    expect(ends.map((event) => [event.nodeId, event.index, event.status, event.attempt])).toEqual([
      ["start", 1, "succeeded", 1],
      ["shout", 2, "succeeded", 1],
      ["echo", 3, "succeeded", 1],
      ["wrap", 4, "succeeded", 1],
      ["end", 5, "succeeded", 1],
    ]);
    expect(nodeEnd(events, "start")).toMatchObject({ inputs: { query: "hello" }, outputs: { query: "hello" } });
    expect(nodeEnd(events, "shout")).toMatchObject({ inputs: { q: "hello" }, outputs: { output: "HELLO!" } });
    expect(nodeEnd(events, "echo")).toMatchObject({ nodeType: "probe_impure", inputs: { text: "HELLO!" }, outputs: { value: "echoed", attempt: 1, text: "HELLO!" } });
    for (const event of ends) {
      expect(event.error).toBeUndefined();
      expect(event.elapsedMs).toBeGreaterThanOrEqual(0);
    }

    expect(events.at(-1)).toEqual({
      type: "run-end",
      runId: "run-events",
      at: expect.any(Number) as number,
      status: "succeeded",
      outputs: outcome.outputs,
      elapsedMs: expect.any(Number) as number,
      totalSteps: 5,
      totalTokens: 0,
    });
  });

  it("fails at the Start node when a required input is missing", async () => {
    const { outcome, events } = await runTestWorkflow(linear(), { inputs: {} });
    expect(outcome).toMatchObject({ status: "failed", failedNodeId: "start" });
    expect(outcome.error).toContain("query is required");
    expect(startedNodes(events)).toEqual(["start"]);
    expect(events.at(-1)).toMatchObject({ type: "run-error", nodeId: "start" });
  });

  it("chatflow: the Answer node streams a node-delta and the run's outputs.answer joins the answers", async () => {
    const document = rawDocument(
      "chatflow",
      [
        node("start", "start", {}),
        node("first", "answer", { answer: "You said: {{#sys.query#}}. " }),
        node("think", "probe_impure", { inputs: { q: ["sys", "query"] }, value: 42 }),
        node("second", "answer", { answer: "The answer is {{#think.value#}}." }),
      ],
      chain("start", "first", "think", "second"),
    );
    const { outcome, events } = await runTestWorkflow(document, { system: { query: "hi" } });
    expect(outcome).toMatchObject({ status: "succeeded", outputs: { answer: "You said: hi. The answer is 42." } });
    const deltas = eventsOf(events, "node-delta");
    expect(deltas.map((event) => [event.nodeId, event.text])).toEqual([
      ["first", "You said: hi. "],
      ["second", "The answer is 42."],
    ]);
    // Each delta comes between its node's start and end.
    const position = (predicate: (event: (typeof events)[number]) => boolean) => events.findIndex(predicate);
    expect(position((event) => event.type === "node-delta" && event.nodeId === "first")).toBeGreaterThan(
      position((event) => event.type === "node-start" && event.nodeId === "first"),
    );
    expect(position((event) => event.type === "node-delta" && event.nodeId === "first")).toBeLessThan(
      position((event) => event.type === "node-end" && event.nodeId === "first"),
    );
    expect(events.at(-1)).toMatchObject({ type: "run-end", status: "succeeded", outputs: { answer: "You said: hi. The answer is 42." } });
  });

  it("runs two impure nodes that follow Start at the same time", async () => {
    const document = rawDocument(
      "workflow",
      [
        start([]),
        node("a", "probe_impure", { value: "A", sleepMs: 150 }),
        node("b", "probe_impure", { value: "B", sleepMs: 150 }),
        end([
          ["a", ["a", "value"]],
          ["b", ["b", "value"]],
        ]),
      ],
      [edge("start", "a"), edge("start", "b"), edge("a", "end"), edge("b", "end")],
    );
    const { outcome, recorder, events } = await runTestWorkflow(document);
    expect(outcome).toMatchObject({ status: "succeeded", outputs: { a: "A", b: "B" }, totalSteps: 4 });
    expect(recorder.count("a")).toBe(1);
    expect(recorder.count("b")).toBe(1);
    // Both were sleeping at once.
    expect(recorder.maxInFlight).toBe(2);
    expect(startedNodes(events).at(-1)).toBe("end");
    const indexes = eventsOf(events, "node-start").map((event) => event.index);
    expect(new Set(indexes).size).toBe(indexes.length);
  });

  it("runs the same document object with another catalog through that catalog's nodes", async () => {
    const first = createTestCatalog();
    const second = createTestCatalog();
    const document = rawDocument("workflow", [start([]), node("p", "probe", {}), end([])], chain("start", "p", "end"));
    const once = await runTestWorkflow(document, { test: first });
    await runTestWorkflow(null, { test: second, document: once.document });
    expect([first.recorder.count("p"), second.recorder.count("p")]).toEqual([1, 1]);
  });

  describe("cancellation", () => {
    it("stops mid-run when the signal aborts: status stopped, run-end stopped, nothing after the running node", async () => {
      const controller = new AbortController();
      const document = rawDocument(
        "workflow",
        [start([]), node("slow", "probe_impure", { sleepMs: 10_000 }), node("after", "probe", {}), end([])],
        chain("start", "slow", "after", "end"),
      );
      const { outcome, events, recorder, elapsedMs } = await runTestWorkflow(document, {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === "node-start" && event.nodeId === "slow") setTimeout(() => controller.abort(), 50);
        },
      });
      expect(outcome).toMatchObject({ status: "stopped", outputs: {}, error: "The run was stopped." });
      expect(elapsedMs).toBeLessThan(2_000);
      expect(recorder.count("after")).toBe(0);
      expect(startedNodes(events)).toEqual(["start", "slow"]);
      expect(eventsOf(events, "run-error")).toEqual([]);
      expect(events.at(-1)).toMatchObject({ type: "run-end", status: "stopped", outputs: {} });
    });

    it("stops a pure node that is running inline", async () => {
      const controller = new AbortController();
      const document = rawDocument("workflow", [start([]), node("slow", "probe", { sleepMs: 10_000 }), end([])], chain("start", "slow", "end"));
      setTimeout(() => controller.abort(), 100);
      const { outcome, events } = await runTestWorkflow(document, { signal: controller.signal });
      expect(outcome.status).toBe("stopped");
      expect(events.at(-1)).toMatchObject({ type: "run-end", status: "stopped" });
    });

    it("does not start when the signal is already aborted", async () => {
      const controller = new AbortController();
      controller.abort();
      const document = rawDocument("workflow", [start([]), node("p", "probe", {}), end([])], chain("start", "p", "end"));
      const { outcome, recorder } = await runTestWorkflow(document, { signal: controller.signal });
      expect(outcome.status).toBe("stopped");
      expect(recorder.calls).toEqual([]);
    });
  });

  describe("limits", () => {
    const steps = (maxSteps: number) =>
      rawDocument(
        "workflow",
        [start([]), node("p1", "probe", {}), node("p2", "probe_impure", {}), node("p3", "probe", {}), end([])],
        chain("start", "p1", "p2", "p3", "end"),
        { settings: { maxSteps } },
      );

    it("fails when the run would take more than settings.maxSteps steps, naming the limit", async () => {
      const { outcome, events, recorder } = await runTestWorkflow(steps(3));
      expect(outcome.status).toBe("failed");
      expect(outcome.error).toBe("The run reached its limit of 3 steps. Raise settings.maxSteps if this is expected.");
      expect(outcome.failedNodeId).toBeUndefined();
      expect(recorder.count("p3")).toBe(0);
      expect(startedNodes(events)).not.toContain("end");
      expect(events.at(-1)).toMatchObject({ type: "run-error", error: outcome.error });
      expect(eventsOf(events, "run-end")).toEqual([]);
    });

    it("counts pure steps too", async () => {
      const { outcome, recorder } = await runTestWorkflow(steps(1));
      expect(outcome.error).toContain("limit of 1 steps");
      expect(recorder.calls).toEqual([]);
    });

    it("succeeds when the run takes exactly settings.maxSteps steps", async () => {
      const { outcome } = await runTestWorkflow(steps(5));
      expect(outcome).toMatchObject({ status: "succeeded", totalSteps: 5 });
    });

    it("fails when the run takes longer than settings.maxDurationMs, with a time limit message", async () => {
      const document = rawDocument(
        "workflow",
        [start([]), node("slow", "probe_impure", { sleepMs: 3_000 }), node("after", "probe", {}), end([])],
        chain("start", "slow", "after", "end"),
        { settings: { maxDurationMs: 1_000 } },
      );
      const { outcome, events, recorder, elapsedMs } = await runTestWorkflow(document);
      expect(outcome).toMatchObject({ status: "failed", error: "The run exceeded its time limit of 1000 ms." });
      expect(elapsedMs).toBeGreaterThanOrEqual(950);
      expect(elapsedMs).toBeLessThan(2_500);
      expect(recorder.count("after")).toBe(0);
      expect(events.at(-1)).toMatchObject({ type: "run-error", error: "The run exceeded its time limit of 1000 ms." });
    });
  });

  describe("checkpoints", () => {
    /** start → first (impure) → second (impure, slow on its first call only) → end. */
    function crashable() {
      return rawDocument(
        "workflow",
        [
          start(),
          node("first", "probe_impure", { inputs: { q: ["start", "query"] }, value: "one" }),
          node("second", "probe_impure", { inputs: { first: ["first", "value"] }, value: "two", sleepMs: 10_000, sleepCalls: 1 }),
          end([
            ["first", ["first", "value"]],
            ["second", ["second", "value"]],
            ["seen", ["second", "first"]],
          ]),
        ],
        chain("start", "first", "second", "end"),
      );
    }

    it("resumes after a crash without repeating an impure node that finished", async () => {
      const test = createTestCatalog();
      const checkpointer = new MemorySaver();
      const controller = new AbortController();
      const crashed = await runTestWorkflow(crashable(), {
        test,
        checkpointer,
        runId: "run-resume",
        inputs: { query: "q" },
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === "node-start" && event.nodeId === "second") setTimeout(() => controller.abort(), 50);
        },
      });
      expect(crashed.outcome.status).toBe("stopped");
      expect(test.recorder.count("first")).toBe(1);
      expect(test.recorder.count("second")).toBe(1);

      const resumed = await runTestWorkflow(null, { test, document: crashed.document, checkpointer, runId: "run-resume", inputs: { query: "q" }, resume: true });
      expect(resumed.outcome).toMatchObject({ status: "succeeded", outputs: { first: "one", second: "two", seen: "one" }, totalSteps: 4 });
      expect(test.recorder.count("first")).toBe(1);
      expect(test.recorder.count("second")).toBe(2);
      expect(eventsOf(resumed.events, "run-start")).toEqual([]);
      expect(startedNodes(resumed.events)).toEqual(["second", "end"]);
      expect(resumed.events.at(-1)).toMatchObject({ type: "run-end", status: "succeeded" });
    });

    it("resumes without repeating an impure node that finished in the same step as the interrupted one", async () => {
      const test = createTestCatalog();
      const checkpointer = new MemorySaver();
      const controller = new AbortController();
      const document = rawDocument(
        "workflow",
        [
          start([]),
          node("quick", "probe_impure", { value: "q" }),
          node("slow", "probe_impure", { value: "s", sleepMs: 10_000, sleepCalls: 1 }),
          end([
            ["quick", ["quick", "value"]],
            ["slow", ["slow", "value"]],
          ]),
        ],
        [edge("start", "quick"), edge("start", "slow"), edge("quick", "end"), edge("slow", "end")],
      );
      const crashed = await runTestWorkflow(document, {
        test,
        checkpointer,
        runId: "run-parallel",
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === "node-end" && event.nodeId === "quick") setTimeout(() => controller.abort(), 50);
        },
      });
      expect(crashed.outcome.status).toBe("stopped");
      const resumed = await runTestWorkflow(null, { test, document: crashed.document, checkpointer, runId: "run-parallel", resume: true });
      expect(resumed.outcome).toMatchObject({ status: "succeeded", outputs: { quick: "q", slow: "s" } });
      expect(test.recorder.count("quick")).toBe(1);
      expect(test.recorder.count("slow")).toBe(2);
    });

    it("keeps execution numbers across a resume: the interrupted node keeps its number, later nodes follow", async () => {
      const test = createTestCatalog();
      const checkpointer = new MemorySaver();
      const controller = new AbortController();
      const document = rawDocument(
        "workflow",
        [start([]), node("first", "probe_impure", { value: "one" }), node("second", "probe_impure", { value: "two", sleepMs: 10_000, sleepCalls: 1 }), end([["second", ["second", "value"]]])],
        chain("start", "first", "second", "end"),
      );
      const crashed = await runTestWorkflow(document, {
        test,
        checkpointer,
        runId: "run-numbering",
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === "node-start" && event.nodeId === "second") setTimeout(() => controller.abort(), 50);
        },
      });
      const numbers = (events: typeof crashed.events) =>
        events.flatMap((event) => (event.type === "node-start" ? [`${event.nodeId}:${event.index}`] : []));
      expect(numbers(crashed.events)).toEqual(["start:1", "first:2", "second:3"]);
      const resumed = await runTestWorkflow(null, { test, document: crashed.document, checkpointer, runId: "run-numbering", resume: true });
      expect(numbers(resumed.events)).toEqual(["second:3", "end:4"]);
    });

    it("keeps a run without a checkpointer independent of earlier runs with the same id", async () => {
      const test = createTestCatalog();
      const document = rawDocument("workflow", [start([]), node("p", "probe_impure", {}), end([])], chain("start", "p", "end"));
      const first = await runTestWorkflow(document, { test, runId: "same" });
      const second = await runTestWorkflow(null, { test, document: first.document, runId: "same" });
      expect([first.outcome.status, second.outcome.status]).toEqual(["succeeded", "succeeded"]);
      expect(test.recorder.count("p")).toBe(2);
    });
  });
});
