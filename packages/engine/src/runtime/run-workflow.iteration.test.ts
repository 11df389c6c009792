import { describe, expect, it } from "vitest";
import { eventsOf, nodeEnd, runTestWorkflow, startedNodes } from "../testing/run-test-workflow.ts";
import { chain, edge, node, rawDocument, type RawEdge, type RawNode } from "../testing/test-documents.ts";

/** start(prefix) → list (a probe whose value is `items`) → loop (iteration over it, with `body`) → end(out: loop.output). */
function iterate(items: unknown, body: { nodes: RawNode[]; edges?: RawEdge[]; output: string[] }, options: Record<string, unknown> = {}) {
  return rawDocument(
    "workflow",
    [
      node("start", "start", { variables: [{ name: "prefix", type: "text", default: "p" }] }),
      node("list", "probe", { value: items }),
      node("loop", "iteration", { items: ["list", "value"], output: body.output, graph: { nodes: body.nodes, edges: body.edges ?? [] }, ...options }),
      node("end", "end", { outputs: [{ name: "out", selector: ["loop", "output"] }] }),
    ],
    chain("start", "list", "loop", "end"),
  );
}

const itemProbe = (config: Record<string, unknown> = {}, type: "probe" | "probe_impure" = "probe") =>
  node("inner", type, { inputs: { item: ["loop", "item"], index: ["loop", "index"] }, ...config });

describe("runWorkflow iteration", () => {
  it("collects the outputs in item order when later items finish first (parallelism 3)", async () => {
    const waits = [240, 200, 160, 120, 80, 40];
    const { outcome, recorder, events } = await runTestWorkflow(
      iterate(waits, { nodes: [itemProbe({ sleepMsFromInput: "item" })], output: ["inner", "item"] }, { parallelism: 3 }),
    );
    expect(outcome).toMatchObject({ status: "succeeded", outputs: { out: waits } });
    expect(recorder.maxInFlight).toBe(3);
    // Items 0-2 start together; the shortest of them (item 2) finishes first.
    const inner = (calls: typeof recorder.calls) => calls.filter((call) => call.nodeId === "inner");
    expect(inner(recorder.finished).slice(0, 3).map((call) => call.inputs.index)).toEqual([2, 1, 0]);
    expect(inner(recorder.calls).map((call) => call.inputs.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(nodeEnd(events, "loop")).toMatchObject({ status: "succeeded", outputs: { output: waits }, inputs: { items: 6 } });
  });

  it("runs items one at a time by default", async () => {
    const { outcome, recorder } = await runTestWorkflow(iterate([30, 10, 20], { nodes: [itemProbe({ sleepMsFromInput: "item" })], output: ["inner", "index"] }));
    expect(outcome).toMatchObject({ status: "succeeded", outputs: { out: [0, 1, 2] } });
    expect(recorder.maxInFlight).toBe(1);
    expect(recorder.finished.filter((call) => call.nodeId === "inner").map((call) => call.inputs.index)).toEqual([0, 1, 2]);
  });

  it("gives the body the item, the index and the outer nodes upstream", async () => {
    const body = {
      nodes: [
        node("label", "template", {
          variables: [
            { name: "prefix", selector: ["start", "prefix"] },
            { name: "index", selector: ["loop", "index"] },
            { name: "item", selector: ["loop", "item"] },
          ],
          template: "{{ prefix }}{{ index }}:{{ item }}",
        }),
        node("shout", "template", { variables: [{ name: "text", selector: ["label", "output"] }], template: "{{ text | upper }}" }),
      ],
      edges: [edge("label", "shout")],
      output: ["shout", "output"],
    };
    const { outcome, events } = await runTestWorkflow(iterate(["a", "b", "c"], body), { inputs: { prefix: "x" } });
    expect(outcome).toMatchObject({ status: "succeeded", outputs: { out: ["X0:A", "X1:B", "X2:C"] } });

    const inner = eventsOf(events, "node-start").filter((event) => event.parentNodeId === "loop");
    expect(inner.map((event) => [event.nodeId, event.iterationIndex])).toEqual([
      ["label", 0],
      ["shout", 0],
      ["label", 1],
      ["shout", 1],
      ["label", 2],
      ["shout", 2],
    ]);
    expect(inner.map((event) => event.predecessorNodeId)).toEqual([null, "label", null, "label", null, "label"]);
    const loopStart = eventsOf(events, "node-start").find((event) => event.nodeId === "loop");
    expect(loopStart?.parentNodeId).toBeUndefined();
    expect(loopStart?.iterationIndex).toBeUndefined();
    // Every node execution, inside or out, has its own index.
    const indexes = eventsOf(events, "node-start").map((event) => event.index);
    expect(new Set(indexes).size).toBe(indexes.length);
    expect(startedNodes(events).filter((id) => id === "end")).toHaveLength(1);
  });

  it("runs impure nodes inside the body inline, in parallel across items", async () => {
    const { outcome, recorder } = await runTestWorkflow(
      iterate([1, 2, 3, 4], { nodes: [itemProbe({ sleepMs: 50 }, "probe_impure")], output: ["inner", "item"] }, { parallelism: 4 }),
    );
    expect(outcome).toMatchObject({ status: "succeeded", outputs: { out: [1, 2, 3, 4] } });
    expect(recorder.maxInFlight).toBe(4);
  });

  it("returns an empty list for an empty list", async () => {
    const { outcome, recorder } = await runTestWorkflow(iterate([], { nodes: [itemProbe()], output: ["inner", "item"] }, { parallelism: 3 }));
    expect(outcome).toMatchObject({ status: "succeeded", outputs: { out: [] } });
    expect(recorder.count("inner")).toBe(0);
  });

  it("fails the run when the items are not a list", async () => {
    const { outcome } = await runTestWorkflow(iterate("not a list", { nodes: [itemProbe()], output: ["inner", "item"] }));
    expect(outcome).toMatchObject({ status: "failed", failedNodeId: "loop" });
    expect(outcome.error).toBe("loop: Iteration expects a list at list.value but got string.");
  });

  it("runs a nested iteration over each item's list", async () => {
    const innerLoop = node("sub", "iteration", {
      items: ["loop", "item"],
      output: ["leaf", "value"],
      graph: { nodes: [node("leaf", "probe", { inputs: { n: ["sub", "item"], outer: ["loop", "index"] }, value: "leaf" })], edges: [] },
    });
    const { outcome, recorder } = await runTestWorkflow(iterate([[1, 2], [3], []], { nodes: [innerLoop], output: ["sub", "output"] }, { parallelism: 2 }));
    expect(outcome).toMatchObject({ status: "succeeded", outputs: { out: [["leaf", "leaf"], ["leaf"], []] } });
    expect(
      recorder.calls
        .filter((call) => call.nodeId === "leaf")
        .map((call) => [call.inputs.outer, call.inputs.n])
        .sort(),
    ).toEqual([
      [0, 1],
      [0, 2],
      [1, 3],
    ]);
  });

  describe("errorMode", () => {
    const failing = (errorMode: string, parallelism = 1) =>
      iterate([1, 2, 3], { nodes: [itemProbe({ failWhen: { input: "item", equals: 2 } })], output: ["inner", "item"] }, { errorMode, parallelism });

    it("continue: a failed item's output is null and the run goes on", async () => {
      const { outcome, events } = await runTestWorkflow(failing("continue"));
      expect(outcome).toMatchObject({ status: "succeeded", outputs: { out: [1, null, 3] } });
      const failed = eventsOf(events, "node-end").filter((event) => event.status === "failed");
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ nodeId: "inner", parentNodeId: "loop", iterationIndex: 1, error: "probe inner failed on item=2" });
      expect(nodeEnd(events, "loop")).toMatchObject({ status: "succeeded", outputs: { output: [1, null, 3] } });
    });

    it("remove: a failed item is left out", async () => {
      const { outcome } = await runTestWorkflow(failing("remove", 3));
      expect(outcome).toMatchObject({ status: "succeeded", outputs: { out: [1, 3] } });
    });

    it("terminate (the default): the first failed item fails the iteration and the run, and no further item starts", async () => {
      const { outcome, recorder, events } = await runTestWorkflow(failing("terminate"));
      expect(outcome).toMatchObject({ status: "failed", failedNodeId: "loop" });
      expect(outcome.error).toBe("loop: Item 1 failed: inner: probe inner failed on item=2");
      expect(recorder.calls.filter((call) => call.nodeId === "inner").map((call) => call.inputs.item)).toEqual([1, 2]);
      expect(nodeEnd(events, "loop")).toMatchObject({ status: "failed" });
      expect(startedNodes(events)).not.toContain("end");
      expect(events.at(-1)).toMatchObject({ type: "run-error", nodeId: "loop" });
    });

    it("a body node's own error strategy applies before the iteration's", async () => {
      const body = {
        nodes: [{ ...itemProbe({ failWhen: { input: "item", equals: 2 } }), policy: { onError: "default", defaults: { item: "default" } } }],
        output: ["inner", "item"],
      };
      const { outcome } = await runTestWorkflow(iterate([1, 2, 3], body));
      expect(outcome).toMatchObject({ status: "succeeded", outputs: { out: [1, "default", 3] } });
    });
  });

  it("stops a running iteration when the run is cancelled", async () => {
    const controller = new AbortController();
    const { outcome, recorder } = await runTestWorkflow(
      iterate([5_000, 5_000, 5_000, 5_000], { nodes: [itemProbe({ sleepMsFromInput: "item" })], output: ["inner", "item"] }, { parallelism: 2 }),
      {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === "node-start" && event.nodeId === "inner") setTimeout(() => controller.abort(), 50);
        },
      },
    );
    expect(outcome.status).toBe("stopped");
    expect(recorder.count("inner")).toBe(2);
    expect(recorder.finished.map((call) => call.nodeId)).toEqual(["list"]);
  });
});
