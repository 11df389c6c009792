import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import { waitFor } from "@tandem/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DifyClient, readSse } from "../../support/dify-client.ts";
import { askWorkflow, startPublishedApiFixture, type PublishedApiFixture } from "./support/published-api-fixture.ts";

interface Delivery {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** What a receiver does with a callback: recompute the signature and compare in constant time. */
function verify(secret: string, delivery: Delivery): boolean {
  const header = String(delivery.headers["x-tandem-signature"] ?? "");
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const expected = createHmac("sha256", secret).update(`${match[1]}.${delivery.body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2] ?? "", "hex"));
}

describe("async runs, callbacks, idempotency, stream resume and node traces", () => {
  let fixture: PublishedApiFixture;
  let receiver: Server;
  let receiverUrl = "";
  const deliveries: Delivery[] = [];
  let failNext = 0;
  let app: Awaited<ReturnType<PublishedApiFixture["publish"]>>;
  let client: DifyClient;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        if (failNext > 0) {
          failNext -= 1;
          response.writeHead(503);
          response.end();
          return;
        }
        deliveries.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
        response.writeHead(204);
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const address = receiver.address();
    const port = typeof address === "object" && address ? address.port : 0;
    receiverUrl = `http://127.0.0.1:${port}/hooks/tandem`;
    // The receiver is on loopback: the workspace allows it, as a user would for an internal service.
    fixture = await startPublishedApiFixture({ allowedHosts: [`127.0.0.1:${port}`] });
    app = await fixture.publish(askWorkflow());
    client = new DifyClient({ baseUrl: fixture.baseUrl, apiKey: app.key });
  });
  afterAll(async () => {
    await fixture?.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it("starts an async run (202), finishes it, and calls back once with a valid signature", async () => {
    fixture.models.addRule({ match: { prompt: "Async question" }, times: 1, reply: { type: "text", text: "Async answer." } });
    failNext = 1; // The first delivery fails: the callback is retried.
    const started = await client.runWorkflow({ inputs: { query: "Async question" }, user: "batch", response_mode: "async", callback_url: receiverUrl });
    expect(started.status).toBe(202);
    const runId = String(started.body.workflow_run_id);
    expect(started.body.task_id).toBe(runId);

    await waitFor(async () => ((await client.workflowRun(runId)).body.status === "succeeded" ? true : undefined), { timeoutMs: 20_000 });
    await waitFor(() => (deliveries.length === 1 ? true : undefined), { timeoutMs: 20_000 });
    const delivery = deliveries[0]!;
    expect(verify(app.callbackSecret, delivery)).toBe(true);
    expect(verify("another-secret", delivery)).toBe(false);
    expect(verify(app.callbackSecret, { ...delivery, body: delivery.body.replace("Async answer.", "Forged.") })).toBe(false);
    expect(JSON.parse(delivery.body)).toMatchObject({ event: "workflow_finished", workflow_run_id: runId, data: { status: "succeeded", outputs: { answer: "Async answer." } } });
    // Recorded on the run once the receiver has answered.
    await waitFor(async () => ((await fixture.tandem.db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).callbackStatus === "delivered" ? true : undefined), { timeoutMs: 10_000 });
  });

  it("refuses a callback URL that is not http(s)", async () => {
    await expect(client.runWorkflow({ inputs: { query: "x" }, user: "batch", response_mode: "async", callback_url: "file:///etc/passwd" })).rejects.toMatchObject({
      status: 400,
      code: "invalid_param",
    });
  });

  it("does not start a second run for a retried request with the same Idempotency-Key", async () => {
    fixture.models.resetCalls();
    fixture.models.addRule({ match: { prompt: "Charge the card" }, reply: { type: "text", text: "Charged." } });
    const headers = { "idempotency-key": "order-42" };
    const first = await client.runWorkflow({ inputs: { query: "Charge the card" }, user: "shop", response_mode: "blocking" }, headers);
    const again = await client.runWorkflow({ inputs: { query: "Charge the card" }, user: "shop", response_mode: "blocking" }, headers);
    expect(again.body.workflow_run_id).toBe(first.body.workflow_run_id);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((again.body.data as { outputs: unknown }).outputs).toEqual({ answer: "Charged." });
    // Concurrent retries, too.
    const racing = await Promise.all(
      Array.from({ length: 4 }, () => client.runWorkflow({ inputs: { query: "Charge the card" }, user: "shop", response_mode: "async" }, { "idempotency-key": "order-43" })),
    );
    expect(new Set(racing.map((reply) => reply.body.workflow_run_id)).size).toBe(1);
    await waitFor(async () => ((await client.workflowRun(String(racing[0]?.body.workflow_run_id))).body.status === "succeeded" ? true : undefined), { timeoutMs: 20_000 });
    expect(fixture.models.calls.filter((call) => call.endpoint === "chat")).toHaveLength(2);
  });

  it("replays a run's events from the start, and after a Last-Event-ID", async () => {
    fixture.models.addRule({ match: { prompt: "Replay me" }, times: 1, reply: { type: "text", text: "alpha beta gamma" } });
    const { body } = await client.runWorkflow({ inputs: { query: "Replay me" }, user: "u", response_mode: "blocking" });
    const runId = String(body.workflow_run_id);
    const read = async (lastEventId?: string) => {
      const response = await fetch(`${fixture.baseUrl}/v1/workflow/${runId}/events`, {
        headers: { authorization: `Bearer ${app.key}`, ...(lastEventId ? { "last-event-id": lastEventId } : {}) },
      });
      const events: Array<{ id?: string; event: string }> = [];
      for await (const message of readSse(response)) if (message.data) events.push({ ...(message.id ? { id: message.id } : {}), ...(JSON.parse(message.data) as { event: string }) });
      return events;
    };
    const all = await read();
    expect(all[0]?.event).toBe("workflow_started");
    expect(all.at(-1)?.event).toBe("workflow_finished");
    const cut = all[3]!;
    const rest = await read(cut.id);
    expect(rest.map((event) => event.id)).toEqual(all.slice(4).map((event) => event.id));
  });

  it("resumes a live stream: a client that reconnects gets what it missed, then the rest", async () => {
    fixture.models.addRule({ match: { prompt: "Slow stream" }, times: 1, reply: { type: "slow-stream", text: "a b c d e f g h", tokensPerSecond: 20 } });
    const stream = client.streamWorkflow({ inputs: { query: "Slow stream" }, user: "u" });
    let runId = "";
    let lastId = "";
    for await (const event of stream) {
      runId = String(event.workflow_run_id);
      lastId = event.sseId ?? lastId;
      if (event.event === "text_chunk") break; // The client drops the connection mid-stream.
    }
    const response = await fetch(`${fixture.baseUrl}/v1/workflow/${runId}/events`, { headers: { authorization: `Bearer ${app.key}`, "last-event-id": lastId } });
    const rest: Array<{ event: string; data?: { text?: string; status?: string } }> = [];
    for await (const message of readSse(response)) if (message.data) rest.push(JSON.parse(message.data) as { event: string });
    expect(rest.at(-1)).toMatchObject({ event: "workflow_finished", data: { status: "succeeded" } });
    const run = await client.workflowRun(runId);
    expect(run.body.outputs).toEqual({ answer: "a b c d e f g h" });
  });

  it("returns node-level traces of a finished run", async () => {
    fixture.models.addRule({ match: { prompt: "Trace me" }, times: 1, reply: { type: "text", text: "Traced." } });
    const { body } = await client.runWorkflow({ inputs: { query: "Trace me" }, user: "u", response_mode: "blocking" });
    const trace = await client.json("GET", `/v1/workflows/run/${String(body.workflow_run_id)}/trace`);
    const nodes = trace.body.nodes as Array<Record<string, unknown>>;
    expect(nodes.map((node) => node.node_id)).toEqual(["start", "llm", "end"]);
    expect(nodes[1]).toMatchObject({ node_type: "llm", status: "succeeded", outputs: { text: "Traced." }, inputs: expect.any(Object) as unknown });
    expect(nodes[1]?.prompt_tokens as number).toBeGreaterThan(0);
    expect((nodes[1]?.model as { provider?: string } | null)?.provider).toBe("lab");
    // Another app's key cannot read it.
    const other = await fixture.publish(askWorkflow());
    await expect(new DifyClient({ baseUrl: fixture.baseUrl, apiKey: other.key }).json("GET", `/v1/workflows/run/${String(body.workflow_run_id)}/trace`)).rejects.toMatchObject({ status: 404 });
  });
});
