export { services, requireService, type ServiceName } from "./services.ts";
export { waitFor } from "./wait-for.ts";
export { startScriptedModelServer, type ScriptedModelServer, type ScriptedModelServerOptions } from "./model-server/start-scripted-model-server.ts";
export type { ScriptedRule, ScriptedReply, RuleMatch, TextMatcher, ScriptedUsage } from "./model-server/rules.ts";
export type { ModelServerCall } from "./model-server/server-context.ts";
export type { ChatMessage, ToolSpec, ModelEndpoint, ModelProtocol } from "./model-server/model-request.ts";
export { hashingEmbedding, cosineSimilarity } from "./model-server/hashing-embeddings.ts";
