import { countTokens } from "./count-tokens.ts";
import type { ModelGateway } from "../ports/model-gateway.ts";

/** The gateway of a workspace with no model providers: every model call says how to add one. */
export function createUnconfiguredModelGateway(): ModelGateway {
  const refuse = () =>
    Promise.reject(new Error("No model provider is configured in this workspace: add one (a local server such as Ollama, or a cloud provider) under Models."));
  return {
    chat: refuse,
    embed: refuse,
    describe: () => Promise.resolve(null),
    countTokens,
  };
}
