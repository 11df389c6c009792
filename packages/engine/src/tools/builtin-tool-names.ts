/**
 * The names of the built-in tools (browser-safe, for node schemas); `knowledge-search` and `sql-query`
 * exist only in runs where their port is wired.
 */
export const BUILTIN_TOOL_NAMES = ["current-time", "calculator", "regex-extract", "json-path", "http-fetch", "knowledge-search", "sql-query"] as const;
export type BuiltinToolName = (typeof BUILTIN_TOOL_NAMES)[number];
