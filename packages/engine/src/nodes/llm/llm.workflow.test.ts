import { startScriptedModelServer, type ScriptedModelServer } from "@tandem/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModelGateway } from "../../models/create-model-gateway.ts";
import type { RunEvent } from "../../runtime/run-events.ts";
import { runWorkflow } from "../../runtime/run-workflow.ts";
import { chain, node, rawDocument, validDocument } from "../../testing/test-documents.ts";
import { throwingServices } from "../../testing/test-nodes.ts";
import { defaultNodeCatalog } from "../node-catalog.ts";
import { defaultNodeSchemaRegistry } from "../node-schemas.ts";
import { llmNode } from "./llm.node.ts";
import { llmSchema } from "./llm.schema.ts";

let server: ScriptedModelServer;
beforeAll(async () => {
  server = await startScriptedModelServer({ models: ["scripted-small", "scripted-large"] });
  // The local model is down: only the cloud fallback can answer.
  server.addRule({ match: { model: "scripted-small" }, reply: { type: "error", status: 500, message: "out of memory" } });
  server.addRule({ reply: { type: "text", text: "cloud answer", usage: { prompt_tokens: 20, completion_tokens: 5 } } });
});
afterAll(() => server.close());

/** start → llm (local model, cloud fallback) → end, run by the real runtime with the real gateway. */
async function runDocument(isPrivate: boolean) {
  const raw = rawDocument(
    "workflow",
    [
      node("start", "start", { variables: [{ name: "query", type: "text", required: true }] }),
      node("llm", "llm", { model: { model: "local:scripted-small", fallbacks: ["cloud:scripted-large"] }, messages: [{ role: "user", text: "{{#start.query#}}" }] }),
      node("end", "end", { outputs: [{ name: "answer", selector: ["llm", "text"] }] }),
    ],
    chain("start", "llm", "end"),
    { settings: { private: isPrivate } },
  );
  const document = validDocument(raw, new Map([...defaultNodeSchemaRegistry, ["llm", llmSchema]]));
  const models = createModelGateway({
    providers: [
      { name: "local", kind: "openai_compatible", baseUrl: server.openaiBaseUrl, isLocal: true },
      { name: "cloud", kind: "openai_compatible", baseUrl: server.openaiBaseUrl, isLocal: false },
    ],
  });
  const events: RunEvent[] = [];
  server.resetCalls();
  const outcome = await runWorkflow({
    runId: `run-${String(isPrivate)}`,
    document,
    inputs: { query: "hello" },
    services: { ...throwingServices(), models },
    onEvent: (event) => events.push(event),
    catalog: new Map([...defaultNodeCatalog, ["llm", llmNode]]),
  });
  return { outcome, events };
}

describe("llm node in a workflow run", () => {
  it("records the gateway's usage, with the fallback that answered", async () => {
    const { outcome, events } = await runDocument(false);
    expect(outcome).toMatchObject({ status: "succeeded", outputs: { answer: "cloud answer" }, totalTokens: 25 });
    const end = events.find((event) => event.type === "node-end" && event.nodeId === "llm");
    expect(end).toMatchObject({ status: "succeeded", usage: { tokensIn: 20, tokensOut: 5, model: { provider: "cloud", model: "scripted-large" } } });
    expect(JSON.stringify(end)).toContain("local:scripted-small");
  });

  it("keeps a private workflow (settings.private) off cloud models", async () => {
    const { outcome } = await runDocument(true);
    expect(outcome.status).toBe("failed");
    expect(server.calls.map((call) => call.model)).toEqual(["scripted-small"]);
  });
});
