import { describe, expect, it } from "vitest";
import { eventsOf, nodeEnd, runTestWorkflow, startedNodes } from "../testing/run-test-workflow.ts";
import { chain, edge, node, rawDocument } from "../testing/test-documents.ts";
import { createTestCatalog } from "../testing/test-nodes.ts";

const start = () => node("start", "start", {});
const end = (outputs: Array<[string, string[]]>) => node("end", "end", { outputs: outputs.map(([name, selector]) => ({ name, selector })) });

/**
 * start → pick ─left→ l1 → l2 ─┐
 *              └right→ r1 → r2 ─┴→ join → end
 */
function diamond(pickType: "probe" | "probe_impure", branch: "left" | "right", arm: "probe" | "probe_impure" = "probe") {
  return rawDocument(
    "workflow",
    [
      start(),
      node("pick", pickType, { handles: ["left", "right"], branch }),
      node("l1", arm, { value: "L1" }),
      node("l2", arm, { inputs: { previous: ["l1", "value"] }, value: "L2" }),
      node("r1", arm, { value: "R1" }),
      node("r2", arm, { inputs: { previous: ["r1", "value"] }, value: "R2" }),
      node("join", "probe", { inputs: { left: ["l2", "value"], right: ["r2", "value"] }, value: "joined" }),
      end([
        ["left", ["join", "left"]],
        ["right", ["join", "right"]],
        ["joined", ["join", "value"]],
      ]),
    ],
    [edge("start", "pick"), edge("pick", "l1", "left"), edge("l1", "l2"), edge("l2", "join"), edge("pick", "r1", "right"), edge("r1", "r2"), edge("r2", "join"), edge("join", "end")],
  );
}

describe("runWorkflow branches", () => {
  describe.each([
    ["a pure", "probe"],
    ["an impure", "probe_impure"],
  ] as const)("with %s branching node", (_label, pickType) => {
    it.each([
      ["left", ["l1", "l2"], ["r1", "r2"], { left: "L2", right: null }],
      ["right", ["r1", "r2"], ["l1", "l2"], { left: null, right: "R2" }],
    ] as const)("taking %s runs only that branch, then the join", async (branch, taken, skipped, joined) => {
      const { outcome, events, recorder } = await runTestWorkflow(diamond(pickType, branch));
      expect(outcome).toMatchObject({ status: "succeeded", outputs: { ...joined, joined: "joined" } });
      expect(startedNodes(events)).toEqual(["start", "pick", ...taken, "join", "end"]);
      for (const id of skipped) {
        expect(recorder.count(id)).toBe(0);
        expect(events.some((event) => "nodeId" in event && event.nodeId === id)).toBe(false);
      }
      expect(recorder.count("join")).toBe(1);
      expect(nodeEnd(events, "pick")).toMatchObject({ status: "succeeded", branch });
      expect(eventsOf(events, "node-start").find((event) => event.nodeId === "join")?.predecessorNodeId).toBe(taken[1]);
      // Skipped nodes are not executions: the run took 6 steps, not 8.
      expect(outcome.totalSteps).toBe(6);
    });
  });

  it("runs a chosen branch of impure nodes after an impure branching node", async () => {
    const { outcome, recorder } = await runTestWorkflow(diamond("probe_impure", "right", "probe_impure"));
    expect(outcome).toMatchObject({ status: "succeeded", outputs: { left: null, right: "R2" } });
    expect(recorder.order()).toEqual(["pick", "r1", "r2", "join"]);
  });

  it("skips a node whose only incoming edge comes from a skipped node, down a long chain", async () => {
    const document = rawDocument(
      "workflow",
      [
        start(),
        node("pick", "probe", { handles: ["yes", "no"], branch: "yes" }),
        node("n1", "probe", {}),
        node("n2", "probe_impure", {}),
        node("n3", "probe", {}),
        node("y", "probe", { value: "yes" }),
        end([["answer", ["y", "value"]]]),
      ],
      [edge("start", "pick"), edge("pick", "n1", "no"), ...chain("n1", "n2", "n3"), edge("pick", "y", "yes"), edge("y", "end"), edge("n3", "end")],
    );
    const { outcome, recorder } = await runTestWorkflow(document);
    expect(outcome).toMatchObject({ status: "succeeded", outputs: { answer: "yes" } });
    expect(recorder.order()).toEqual(["pick", "y"]);
  });

  it("fails the node, and the run, when it chooses a branch it does not declare", async () => {
    const document = rawDocument(
      "workflow",
      [start(), node("pick", "probe", { handles: ["left", "right"], branch: "middle" }), node("l", "probe", {}), end([])],
      [edge("start", "pick"), edge("pick", "l", "left"), edge("l", "end")],
    );
    const { outcome } = await runTestWorkflow(document);
    expect(outcome).toMatchObject({ status: "failed", failedNodeId: "pick" });
    expect(outcome.error).toContain('The node chose branch "middle", which it does not have (left, right).');
  });

  describe("fan-out and fan-in", () => {
    const WIDTH = 20;
    const ids = Array.from({ length: WIDTH }, (_, index) => `f${index}`);

    function fan(type: "probe" | "probe_impure", sleepMs: number) {
      return rawDocument(
        "workflow",
        [
          start(),
          ...ids.map((id, index) => node(id, type, { value: index, sleepMs })),
          node("join", "probe", { inputs: Object.fromEntries(ids.map((id) => [id, [id, "value"]])) }),
          end([["f19", ["join", "f19"]]]),
        ],
        [...ids.flatMap((id) => [edge("start", id), edge(id, "join")]), edge("join", "end")],
      );
    }

    it(`runs ${WIDTH} impure nodes in parallel and joins them once, after all of them`, async () => {
      const { outcome, recorder, events } = await runTestWorkflow(fan("probe_impure", 100));
      expect(outcome).toMatchObject({ status: "succeeded", outputs: { f19: 19 }, totalSteps: WIDTH + 3 });
      for (const id of ids) expect(recorder.count(id)).toBe(1);
      expect(recorder.count("join")).toBe(1);
      expect(recorder.calls.at(-1)?.nodeId).toBe("join");
      expect(recorder.calls.at(-1)?.inputs).toEqual(Object.fromEntries(ids.map((id, index) => [id, index])));
      expect(recorder.maxInFlight).toBe(WIDTH);
      const indexes = eventsOf(events, "node-start").map((event) => event.index);
      expect(new Set(indexes).size).toBe(WIDTH + 3);
    });

    it(`runs ${WIDTH} pure nodes inline and joins them once`, async () => {
      const { outcome, recorder, events } = await runTestWorkflow(fan("probe", 0));
      expect(outcome).toMatchObject({ status: "succeeded", outputs: { f19: 19 } });
      expect(recorder.order()).toEqual([...ids, "join"]);
      expect(startedNodes(events)).toEqual(["start", ...ids, "join", "end"]);
      expect(eventsOf(events, "node-start").map((event) => event.index)).toEqual(Array.from({ length: WIDTH + 3 }, (_, index) => index + 1));
    });

    it("runs the join when some branches of the fan-out were skipped", async () => {
      const document = rawDocument(
        "workflow",
        [
          start(),
          node("pick", "probe", { handles: ["a", "b"], branch: "b" }),
          node("a1", "probe_impure", { value: "a" }),
          node("b1", "probe_impure", { value: "b1" }),
          node("b2", "probe_impure", { value: "b2" }),
          node("join", "probe", { inputs: { a: ["a1", "value"], b1: ["b1", "value"], b2: ["b2", "value"] } }),
          end([["join", ["join", "b2"]]]),
        ],
        [edge("start", "pick"), edge("pick", "a1", "a"), edge("pick", "b1", "b"), edge("pick", "b2", "b"), edge("a1", "join"), edge("b1", "join"), edge("b2", "join"), edge("join", "end")],
      );
      const test = createTestCatalog();
      const { outcome } = await runTestWorkflow(document, { test });
      expect(outcome).toMatchObject({ status: "succeeded", outputs: { join: "b2" } });
      expect(test.recorder.calls.find((call) => call.nodeId === "join")?.inputs).toEqual({ a: undefined, b1: "b1", b2: "b2" });
      expect(test.recorder.count("a1")).toBe(0);
    });
  });
});
