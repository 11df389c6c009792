// The engine's server entry: validation, the node catalog and the LangGraph runtime.
// The browser-safe part (document schema, node schemas) is also exported alone as "@tandem/engine/schema".
export * from "./schema/index.ts";
export { validateWorkflow, type ValidateWorkflowOptions } from "./validation/validate-workflow.ts";
export type { WorkflowProblem, WorkflowValidation } from "./validation/workflow-problem.ts";
export { runWorkflow, type RunWorkflowOptions, type RunOutcome } from "./runtime/run-workflow.ts";
export type { RunEvent, RunEventSink, RunEventType } from "./runtime/run-events.ts";
export type { NodeImplementation, NodeContext, NodeResult, NodeUsage } from "./runtime/node-implementation.ts";
export { defineNode } from "./runtime/node-implementation.ts";
export { defaultNodeCatalog, type NodeCatalog } from "./nodes/node-catalog.ts";
export { validateRunInputs, type InputProblem } from "./nodes/start/validate-run-inputs.ts";
export type { EngineServices, OutboundHttp, OutboundRequest, OutboundResponse, CodeSandbox, SandboxLimits } from "./ports/engine-services.ts";
export { createGuardedHttp, type GuardedHttpOptions } from "./adapters/guarded-http.ts";
export { OutboundHttpError, type OutboundHttpErrorCode } from "./adapters/outbound-http-error.ts";
export { createQuickJsSandbox, type QuickJsSandbox } from "./adapters/quickjs-sandbox.ts";
export { exportWorkflowYaml, parseWorkflowYaml, type WorkflowYamlParse } from "./dsl/export-workflow.ts";
export { importDifyDsl, type DifyImport, type DifyImportOptions, type ImportProblem } from "./dsl/import-dify.ts";
export type { ModelGateway, ModelSelection, RoutingPolicy, ChatRequest, ChatResult, ChatMessage, ToolCall, ToolDefinition, EmbedRequest, ModelInfo } from "./ports/model-gateway.ts";
export { createUnconfiguredModelGateway } from "./models/unconfigured-model-gateway.ts";
export { countTokens } from "./models/count-tokens.ts";
