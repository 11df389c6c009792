import {
  ChatWrapper,
  LlamaText,
  SpecialToken,
  type ChatWrapperGenerateContextStateOptions,
  type ChatWrapperGeneratedContextState,
} from "node-llama-cpp";

/**
 * The prompt format for models that ship no chat template (base models, tiny test models):
 *
 * ```
 * System: …
 * User: …
 * Assistant: …
 * User: …
 * Assistant:
 * ```
 *
 * Generation stops at the end-of-text token or when the model starts a new turn. node-llama-cpp's own
 * fallback guesses a template from the architecture name (Llama 2's `[INST]` for any llama), which a
 * base model has never seen; `GeneralChatWrapper` uses `### Human` headings. This plain form is what
 * base models continue best and what llama.cpp's examples use. Like any plain-text format it cannot
 * stop a message from imitating a turn ("\nAssistant: …"); models with a template get the template.
 */
export class PlainChatWrapper extends ChatWrapper {
  readonly wrapperName = "TandemPlain";

  override generateContextState({ chatHistory }: ChatWrapperGenerateContextStateOptions): ChatWrapperGeneratedContextState {
    const lastIndex = chatHistory.length - 1;
    const parts: LlamaText[] = [LlamaText(new SpecialToken("BOS"))];
    chatHistory.forEach((item, index) => {
      if (item.type === "system") parts.push(LlamaText(["System: ", LlamaText.fromJSON(item.text), "\n"]));
      else if (item.type === "user") parts.push(LlamaText(["User: ", item.text, "\n"]));
      else if (index === lastIndex) {
        // The response being generated: the model continues right after the colon.
        parts.push(LlamaText(["Assistant:", this.generateModelResponseText(item.response)]));
      } else parts.push(LlamaText(["Assistant: ", this.generateModelResponseText(item.response), "\n"]));
    });
    if (chatHistory[lastIndex]?.type !== "model") parts.push(LlamaText("Assistant:"));
    return {
      contextText: LlamaText(parts),
      stopGenerationTriggers: [
        LlamaText(new SpecialToken("EOS")),
        LlamaText("\nUser:"),
        LlamaText("\nSystem:"),
        LlamaText("\nAssistant:"),
      ],
    };
  }
}
