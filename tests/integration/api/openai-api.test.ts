import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askWorkflow, chatflow, startPublishedApiFixture, type PublishedApiFixture } from "./support/published-api-fixture.ts";

describe("the OpenAI-compatible API, through the official openai SDK", () => {
  let fixture: PublishedApiFixture;
  let workflowApp: Awaited<ReturnType<PublishedApiFixture["publish"]>>;
  let chatApp: Awaited<ReturnType<PublishedApiFixture["publish"]>>;
  const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${fixture.baseUrl}/v1`, maxRetries: 0 });

  beforeAll(async () => {
    fixture = await startPublishedApiFixture();
    workflowApp = await fixture.publish(askWorkflow(), { slug: "support-bot" });
    chatApp = await fixture.publish(chatflow(), { slug: "chat-bot" });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it("lists the app the key can call as a model", async () => {
    const models = await client(workflowApp.key).models.list();
    expect(models.data.map((model) => model.id)).toEqual(["support-bot"]);
    expect((await client(workflowApp.key).models.retrieve("support-bot")).id).toBe("support-bot");
  });

  it("answers a blocking chat completion from a workflow, with usage", async () => {
    fixture.models.addRule({ match: { prompt: "Capital of France?" }, times: 1, reply: { type: "text", text: "Paris." } });
    const completion = await client(workflowApp.key).chat.completions.create({ model: "support-bot", messages: [{ role: "user", content: "Capital of France?" }] });
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]?.message).toMatchObject({ role: "assistant", content: "Paris." });
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("streams a chat completion chunk by chunk, ending in [DONE], with usage when asked", async () => {
    fixture.models.addRule({ match: { prompt: "Count to five" }, times: 1, reply: { type: "text", text: "one two three four five" } });
    const stream = await client(workflowApp.key).chat.completions.create({
      model: "support-bot",
      messages: [{ role: "user", content: "Count to five" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const pieces: string[] = [];
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      expect(chunk.object).toBe("chat.completion.chunk");
      const choice = chunk.choices[0];
      if (choice?.delta.content) pieces.push(choice.delta.content);
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe("one two three four five");
    expect(finish).toBe("stop");
    expect(usage?.total_tokens).toBeGreaterThan(0);
  });

  it("gives a chatflow the earlier messages as its conversation", async () => {
    fixture.models.resetCalls();
    fixture.models.addRule({ match: { prompt: "And its population?" }, times: 1, reply: { type: "text", text: "About 2 million." } });
    const completion = await client(chatApp.key).chat.completions.create({
      model: "chat-bot",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Capital of France?" },
        { role: "assistant", content: "Paris." },
        { role: "user", content: "And its population?" },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe("About 2 million.");
    const sent = JSON.stringify(fixture.models.calls.find((call) => call.endpoint === "chat")?.body);
    expect(sent).toContain("Capital of France?");
    expect(sent).toContain("Paris.");
  });

  it("refuses an unknown model, a bad request and a bad key with OpenAI's errors", async () => {
    await expect(client(workflowApp.key).chat.completions.create({ model: "chat-bot", messages: [{ role: "user", content: "Hi" }] })).rejects.toMatchObject({
      status: 404,
      code: "model_not_found",
    });
    await expect(client(workflowApp.key).chat.completions.create({ model: "support-bot", messages: [] })).rejects.toMatchObject({ status: 400 });
    await expect(client("app-wrong").models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
