import { describe, expect, it } from "vitest";
import { eventsOf, nodeEnd, runTestWorkflow, startedNodes } from "../testing/run-test-workflow.ts";
import { chain, edge, node, rawDocument } from "../testing/test-documents.ts";

const start = () => node("start", "start", {});
const end = (outputs: Array<[string, string[]]>) => node("end", "end", { outputs: outputs.map(([name, selector]) => ({ name, selector })) });

/** start → flaky (with `policy`) → after → end(value, attempt, after). */
function withPolicy(type: "probe" | "probe_impure", config: Record<string, unknown>, policy: Record<string, unknown>) {
  return rawDocument(
    "workflow",
    [
      start(),
      node("flaky", type, { value: "ok", ...config }, { policy }),
      node("after", "probe", { inputs: { value: ["flaky", "value"] } }),
      end([
        ["value", ["flaky", "value"]],
        ["attempt", ["flaky", "attempt"]],
        ["after", ["after", "value"]],
      ]),
    ],
    chain("start", "flaky", "after", "end"),
  );
}

describe.each(["probe", "probe_impure"] as const)("runWorkflow node policy (%s)", (type) => {
  describe("retry", () => {
    it("retries a node that fails twice and reports the attempt that succeeded", async () => {
      const { outcome, events, recorder } = await runTestWorkflow(withPolicy(type, { failAttempts: 2 }, { retry: { attempts: 3, backoffMs: 20 } }));
      expect(outcome).toMatchObject({ status: "succeeded", outputs: { value: "ok", attempt: 3 } });
      expect(recorder.calls.filter((call) => call.nodeId === "flaky").map((call) => call.attempt)).toEqual([1, 2, 3]);
      // One execution: a single node-start and node-end, the end carrying the attempt number.
      expect(startedNodes(events).filter((id) => id === "flaky")).toHaveLength(1);
      expect(nodeEnd(events, "flaky")).toMatchObject({ status: "succeeded", attempt: 3, outputs: { value: "ok", attempt: 3 } });
      expect(nodeEnd(events, "flaky")?.error).toBeUndefined();
    });

    it("waits backoffMs before the first retry and doubles it for each further one", async () => {
      const { recorder } = await runTestWorkflow(withPolicy(type, { failAttempts: 2 }, { retry: { attempts: 3, backoffMs: 100 } }));
      const times = recorder.calls.filter((call) => call.nodeId === "flaky").map((call) => call.at);
      const [first, second, third] = times as [number, number, number];
      expect(second - first).toBeGreaterThanOrEqual(95);
      expect(second - first).toBeLessThan(195);
      expect(third - second).toBeGreaterThanOrEqual(195);
      expect(third - second).toBeLessThan(380);
    });

    it("fails with the last attempt's error when every attempt fails", async () => {
      const { outcome, events, recorder } = await runTestWorkflow(withPolicy(type, { failAttempts: 9 }, { retry: { attempts: 3, backoffMs: 0 } }));
      expect(outcome).toMatchObject({ status: "failed", failedNodeId: "flaky" });
      expect(outcome.error).toBe("flaky: probe flaky failed on attempt 3");
      expect(recorder.count("flaky")).toBe(3);
      expect(nodeEnd(events, "flaky")).toMatchObject({ status: "failed", attempt: 3, error: "probe flaky failed on attempt 3", outputs: {} });
    });
  });

  describe("timeout", () => {
    it("fails a try that runs past timeoutMs, saying it timed out", async () => {
      const { outcome, events, elapsedMs } = await runTestWorkflow(withPolicy(type, { sleepMs: 5_000 }, { timeoutMs: 100 }));
      expect(outcome).toMatchObject({ status: "failed", failedNodeId: "flaky" });
      expect(outcome.error).toMatch(/timed out/i);
      expect(outcome.error).toBe("flaky: Timed out after 100 ms.");
      expect(nodeEnd(events, "flaky")).toMatchObject({ status: "failed", error: "Timed out after 100 ms." });
      expect(elapsedMs).toBeLessThan(1_500);
      expect(startedNodes(events)).not.toContain("after");
    });

    it("applies the time limit to each try, so a retry can succeed", async () => {
      const { outcome, recorder } = await runTestWorkflow(
        withPolicy(type, { sleepMs: 5_000, sleepCalls: 1 }, { timeoutMs: 100, retry: { attempts: 2, backoffMs: 0 } }),
      );
      expect(outcome).toMatchObject({ status: "succeeded", outputs: { attempt: 2 } });
      expect(recorder.count("flaky")).toBe(2);
    });

    it("does not interfere with a node that finishes in time", async () => {
      const { outcome } = await runTestWorkflow(withPolicy(type, { sleepMs: 10 }, { timeoutMs: 2_000 }));
      expect(outcome).toMatchObject({ status: "succeeded", outputs: { value: "ok" } });
    });
  });

  describe("onError", () => {
    it('"default": the node ends as an exception with the default outputs and the run goes on', async () => {
      const { outcome, events, recorder } = await runTestWorkflow(
        withPolicy(type, { failAttempts: 9 }, { onError: "default", defaults: { value: "fallback", attempt: 0 } }),
      );
      expect(outcome).toMatchObject({ status: "succeeded", outputs: { value: "fallback", attempt: 0, after: "fallback" } });
      expect(recorder.calls.find((call) => call.nodeId === "after")?.inputs).toEqual({ value: "fallback" });
      expect(nodeEnd(events, "flaky")).toMatchObject({
        status: "exception",
        outputs: { value: "fallback", attempt: 0 },
        error: "probe flaky failed on attempt 1",
      });
      expect(startedNodes(events)).toEqual(["start", "flaky", "after", "end"]);
      expect(events.at(-1)).toMatchObject({ type: "run-end", status: "succeeded" });
    });

    it('"default" without defaults: the outputs are empty and readers get null', async () => {
      const { outcome } = await runTestWorkflow(withPolicy(type, { failAttempts: 9 }, { onError: "default" }));
      expect(outcome).toMatchObject({ status: "succeeded", outputs: { value: null, attempt: null } });
    });

    it('"branch": the fail handle is followed and the normal successors are skipped', async () => {
      const document = rawDocument(
        "workflow",
        [
          start(),
          node("flaky", type, { failAttempts: 9 }, { policy: { onError: "branch" } }),
          node("normal", "probe", { value: "normal" }),
          node("normal2", "probe_impure", { value: "normal2" }),
          node("handler", "probe", { value: "handled" }),
          end([
            ["handled", ["handler", "value"]],
            ["normal", ["normal2", "value"]],
          ]),
        ],
        [edge("start", "flaky"), edge("flaky", "normal"), edge("normal", "normal2"), edge("normal2", "end"), edge("flaky", "handler", "fail"), edge("handler", "end")],
      );
      const { outcome, events, recorder } = await runTestWorkflow(document);
      expect(outcome).toMatchObject({ status: "succeeded", outputs: { handled: "handled", normal: null } });
      expect(recorder.count("normal")).toBe(0);
      expect(recorder.count("normal2")).toBe(0);
      expect(startedNodes(events)).toEqual(["start", "flaky", "handler", "end"]);
      expect(nodeEnd(events, "flaky")).toMatchObject({
        status: "exception",
        branch: "fail",
        error: "probe flaky failed on attempt 1",
        outputs: { error_message: "probe flaky failed on attempt 1", error_type: "Error" },
      });
    });

    it('"branch": the normal successors run and the fail branch is skipped when the node succeeds', async () => {
      const document = rawDocument(
        "workflow",
        [
          start(),
          node("fine", type, { value: "fine" }, { policy: { onError: "branch" } }),
          node("normal", "probe", { value: "normal" }),
          node("handler", "probe", { value: "handled" }),
          end([["normal", ["normal", "value"]]]),
        ],
        [edge("start", "fine"), edge("fine", "normal"), edge("normal", "end"), edge("fine", "handler", "fail"), edge("handler", "end")],
      );
      const { outcome, recorder } = await runTestWorkflow(document);
      expect(outcome).toMatchObject({ status: "succeeded", outputs: { normal: "normal" } });
      expect(recorder.count("handler")).toBe(0);
    });

    it('"branch": the fail branch can read the error message', async () => {
      const document = rawDocument(
        "workflow",
        [
          start(),
          node("flaky", type, { failAttempts: 9 }, { policy: { onError: "branch" } }),
          node("handler", "probe", { inputs: { message: ["flaky", "error_message"], kind: ["flaky", "error_type"] } }),
          end([["message", ["handler", "message"]]]),
        ],
        [edge("start", "flaky"), edge("flaky", "handler", "fail"), edge("handler", "end")],
      );
      const { outcome, recorder } = await runTestWorkflow(document);
      expect(outcome).toMatchObject({ status: "succeeded", outputs: { message: "probe flaky failed on attempt 1" } });
      expect(recorder.calls.find((call) => call.nodeId === "handler")?.inputs).toEqual({ message: "probe flaky failed on attempt 1", kind: "Error" });
    });

    it('"fail" (the default): the run fails with run-error and the failed node id, and nothing after it runs', async () => {
      const { outcome, events, recorder } = await runTestWorkflow(withPolicy(type, { failAttempts: 9 }, {}));
      expect(outcome).toMatchObject({ status: "failed", outputs: {}, failedNodeId: "flaky", error: "flaky: probe flaky failed on attempt 1" });
      expect(recorder.count("after")).toBe(0);
      expect(startedNodes(events)).toEqual(["start", "flaky"]);
      expect(nodeEnd(events, "flaky")).toMatchObject({ status: "failed", attempt: 1, error: "probe flaky failed on attempt 1" });
      expect(eventsOf(events, "run-end")).toEqual([]);
      expect(events.at(-1)).toEqual({
        type: "run-error",
        runId: "run-1",
        at: expect.any(Number) as number,
        error: "flaky: probe flaky failed on attempt 1",
        nodeId: "flaky",
        elapsedMs: expect.any(Number) as number,
        totalSteps: 2,
        totalTokens: 0,
      });
    });

    it('"fail" uses the node title in the run error when it has one', async () => {
      const document = withPolicy(type, { failAttempts: 9 }, {});
      const flaky = document.graph.nodes[1];
      if (flaky) flaky.title = "Fetch prices";
      const { outcome } = await runTestWorkflow(document);
      expect(outcome.error).toBe("Fetch prices: probe flaky failed on attempt 1");
    });
  });
});
