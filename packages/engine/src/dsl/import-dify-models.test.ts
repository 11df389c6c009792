import { describe, expect, it } from "vitest";
import { importRegistry, loadFixture } from "./fixtures/load-fixture.ts";
import { importDifyDsl } from "./import-dify.ts";

describe("importDifyDsl: model nodes", () => {
  const result = importDifyDsl(loadFixture("dify-model-nodes.yml"), { registry: importRegistry });
  const node = (id: string) => result.document?.graph.nodes.find((candidate) => candidate.id === id);
  const warnings = (id: string) => result.problems.filter((problem) => problem.nodeId === id && problem.severity === "warning").map((problem) => problem.message);

  it("imports the chatflow without errors", () => {
    expect(result.problems.filter((problem) => problem.severity === "error")).toEqual([]);
    expect(result.document?.graph.nodes.map((candidate) => candidate.type)).toEqual(["start", "question-classifier", "llm", "parameter-extractor", "llm", "answer", "answer"]);
  });

  it("converts the question classifier and keeps the class ids as edge handles", () => {
    expect(node("1730000000002")?.config).toEqual({
      model: { model: "ollama:qwen2.5:3b", temperature: 0 },
      query: ["sys", "query"],
      classes: [
        { id: "1", name: "Billing question" },
        { id: "2", name: "Hotel booking" },
      ],
      instruction: "Pick billing when money is mentioned.",
    });
    const edges = result.document?.graph.edges.filter((edge) => edge.source === "1730000000002").map((edge) => [edge.sourceHandle, edge.target]);
    expect(edges).toEqual([
      ["1", "1730000000003"],
      ["2", "1730000000004"],
    ]);
    expect(warnings("1730000000002")).toEqual(['The model "ollama:qwen2.5:3b" needs a provider named "ollama" on Tandem\'s Models page; add it there, or pick another model.']);
  });

  it("converts a chat LLM: model parameters, prompt, context as a variable, memory", () => {
    expect(node("1730000000003")?.config).toEqual({
      model: { model: "openai:gpt-4o-mini", temperature: 0.3, maxTokens: 512, topP: 0.9 },
      system: "You handle billing.\nAccount: {{#1730000000001.account#}}",
      messages: [{ role: "user", text: "{{#sys.query#}}" }],
      memory: { enabled: true, window: 5 },
      stream: true,
    });
    const messages = warnings("1730000000003");
    expect(messages).toHaveLength(4);
    expect(messages[0]).toContain("Vision (image input) is not supported");
    expect(messages[1]).toContain('"openai:gpt-4o-mini" needs a provider named "openai"');
    expect(messages[2]).toContain("presence_penalty are not supported");
    expect(messages[3]).toBe("The context became the variable {{#1730000000001.account#}} in the prompt text.");
  });

  it("converts a completion-mode LLM with structured output", () => {
    expect(node("1730000000005")?.config).toEqual({
      model: { model: "ollama:llama3.2" },
      messages: [{ role: "user", text: "Confirm a stay in {{#1730000000004.city#}} for {{#1730000000004.nights#}} nights." }],
      structuredOutput: { enabled: true, schema: { type: "object", properties: { message: { type: "string" } }, required: ["message"] } },
      stream: true,
    });
    expect(warnings("1730000000005")).toContain("The completion-mode prompt became one user message (Tandem uses chat models).");
  });

  it("converts the parameter extractor: types, options, function-call mode", () => {
    expect(node("1730000000004")?.config).toEqual({
      model: { model: "openai:gpt-4o-mini" },
      query: ["sys", "query"],
      parameters: [
        { name: "city", type: "string", description: "Where to stay", required: true },
        { name: "nights", type: "number", description: "How many nights", required: true },
        { name: "room", type: "string", description: "Room type", required: false, options: ["single", "double"] },
        { name: "flexible", type: "boolean", description: "Dates are flexible", required: false },
      ],
      instruction: "Dates are in ISO format.",
      mode: "tools",
    });
  });

  it("appends the context to the last user message when the prompt does not place it, and adds the chat query when there is no user message", () => {
    const file = JSON.stringify({
      app: { mode: "advanced-chat", name: "T" },
      kind: "app",
      version: "0.1.5",
      workflow: {
        graph: {
          nodes: [
            { id: "s", type: "custom", data: { type: "start", title: "Start", variables: [{ variable: "doc", type: "paragraph", label: "Doc" }] } },
            {
              id: "l",
              type: "custom",
              data: {
                type: "llm",
                title: "L",
                model: { provider: "langgenius/openai_api_compatible/openai_api_compatible", name: "qwen3", mode: "chat" },
                prompt_template: [{ role: "system", text: "Be kind." }],
                context: { enabled: true, variable_selector: ["s", "doc"] },
                memory: { window: { enabled: false, size: 10 } },
              },
            },
          ],
          edges: [{ id: "e", source: "s", sourceHandle: "source", target: "l", targetHandle: "target" }],
        },
      },
    });
    const imported = importDifyDsl(file, { registry: importRegistry });
    expect(imported.document?.graph.nodes[1]?.config).toMatchObject({
      model: { model: "openai_api_compatible:qwen3" },
      system: "Be kind.",
      messages: [{ role: "user", text: "{{#sys.query#}}\n\n{{#s.doc#}}" }],
      memory: { enabled: true, window: 50 },
    });
    expect(imported.problems.map((problem) => problem.message)).toEqual(
      expect.arrayContaining([
        "The prompt had no user message; the user's chat message ({{#sys.query#}}) was added as one.",
        "Unlimited memory became the last 50 turns.",
        "The context became the variable {{#s.doc#}} in the prompt text (appended to the last user message).",
      ]),
    );
  });
});
