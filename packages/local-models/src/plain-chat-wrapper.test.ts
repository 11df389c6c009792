import { describe, expect, it } from "vitest";
import { PlainChatWrapper } from "./plain-chat-wrapper.ts";

describe("PlainChatWrapper", () => {
  // LlamaText renders the start-of-text token as "BOS".
  it("formats a conversation as System/User/Assistant lines ending with the open assistant turn", () => {
    const { contextText, stopGenerationTriggers } = new PlainChatWrapper().generateContextState({
      chatHistory: [
        { type: "system", text: "Be brief." },
        { type: "user", text: "Hi" },
        { type: "model", response: ["Hello."] },
        { type: "user", text: "A story?" },
        { type: "model", response: [] },
      ],
    });
    expect(contextText.toString()).toBe("BOSSystem: Be brief.\nUser: Hi\nAssistant: Hello.\nUser: A story?\nAssistant:");
    expect(stopGenerationTriggers.map((trigger) => trigger.toString())).toContain("\nUser:");
  });

  it("opens the assistant turn even when the history ends with a user message", () => {
    const { contextText } = new PlainChatWrapper().generateContextState({ chatHistory: [{ type: "user", text: "Hi" }] });
    expect(contextText.toString()).toBe("BOSUser: Hi\nAssistant:");
  });
});
