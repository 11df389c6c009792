/**
 * A workspace's tools: built-in ones, operations of OpenAPI documents, tools of MCP servers and
 * published workflows. One definition serves the `tool` node (the user fills the parameters) and the
 * `agent` node (the model fills them).
 */

export type ToolKind = "builtin" | "openapi" | "mcp" | "workflow";

/** What a tool is, as the editor, the validator and the model see it. */
export interface ToolDescriptor {
  /** Unique in the workspace; letters, digits, `_` and `-` (what model APIs accept as function names). */
  name: string;
  description: string;
  kind: ToolKind;
  /** JSON Schema (an object schema) of the arguments. */
  parameters: Record<string, unknown>;
  /** JSON Schema of the output, when the tool declares one; the output is checked against it. */
  output?: Record<string, unknown>;
}

export interface ToolCallOptions {
  signal: AbortSignal;
  /** Default: the registry's (30 s). */
  timeoutMs?: number;
  /** The calling workflow is private; tools that call models keep to local ones. */
  private?: boolean;
}

/**
 * Why a call failed. `invalid-arguments` and `unknown-tool` are the caller's mistake (a model can fix
 * them); `timeout`, `failed` and `invalid-output` are the tool's.
 */
export type ToolErrorCode = "unknown-tool" | "invalid-arguments" | "timeout" | "failed" | "invalid-output" | "aborted";

export interface ToolError {
  code: ToolErrorCode;
  message: string;
}

export type ToolCallResult = { ok: true; output: unknown } | { ok: false; error: ToolError };

/**
 * The registry. `call` never throws for a tool's failure: it returns `{ ok: false, error }`, so a
 * node can fail with a clear message (or take its fail branch) and an agent can show the error to
 * its model. Arguments are checked against `parameters` before the tool runs; outputs against `output`.
 */
export interface ToolRegistry {
  list(options?: { signal?: AbortSignal }): Promise<ToolDescriptor[]>;
  get(name: string, options?: { signal?: AbortSignal }): Promise<ToolDescriptor | undefined>;
  call(name: string, args: Record<string, unknown>, options: ToolCallOptions): Promise<ToolCallResult>;
}
