import type { EngineServices } from "../ports/engine-services.ts";
import { currentTime } from "./current-time.ts";
import { evaluateArithmetic } from "./evaluate-arithmetic.ts";
import type { ToolImplementation } from "./create-tool-registry.ts";
import { queryJsonPath } from "./query-json-path.ts";

/** Longest text regex-extract scans: JavaScript regexes can backtrack badly on long inputs. */
const MAX_REGEX_INPUT = 100_000;
const MAX_HTTP_BODY_CHARS = 100_000;

const currentTimeTool: ToolImplementation = {
  name: "current-time",
  kind: "builtin",
  description: "Get the current date and time.",
  parameters: { type: "object", properties: { timezone: { type: "string", description: 'IANA time zone, e.g. "Europe/Paris"; UTC if omitted' } } },
  output: { type: "string" },
  run: (args) => Promise.resolve(currentTime(typeof args.timezone === "string" ? args.timezone : undefined)),
};

const calculatorTool: ToolImplementation = {
  name: "calculator",
  kind: "builtin",
  description: "Evaluate an arithmetic expression: + - * / % ^, parentheses, sqrt abs round min max log exp sin cos.",
  parameters: { type: "object", properties: { expression: { type: ["string", "number"], description: 'e.g. "(3 + 4) * 2"' } }, required: ["expression"] },
  output: { type: "number" },
  // 15 significant digits hide binary noise (0.1 + 0.2 is 0.3 to a reader).
  run: (args) => Promise.resolve(Number(evaluateArithmetic(String(args.expression as string | number)).toPrecision(15))),
};

const regexExtractTool: ToolImplementation = {
  name: "regex-extract",
  kind: "builtin",
  description: "Find the matches of a regular expression in a text; returns each match with its numbered and named groups.",
  parameters: {
    type: "object",
    properties: {
      text: { type: "string" },
      pattern: { type: "string", description: "A JavaScript regular expression, without slashes" },
      flags: { type: "string", description: 'e.g. "i" for case-insensitive' },
    },
    required: ["text", "pattern"],
  },
  output: { type: "array", items: { type: "object" } },
  run: (args) => {
    const text = String(args.text);
    if (text.length > MAX_REGEX_INPUT) throw new Error(`The text is too long (${text.length} characters; at most ${MAX_REGEX_INPUT}).`);
    const flags = typeof args.flags === "string" ? args.flags.replace(/[gy]/g, "") : "";
    let pattern: RegExp;
    try {
      pattern = new RegExp(String(args.pattern), `${flags}g`);
    } catch (error) {
      throw new Error(`The pattern is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`);
    }
    // Stops at 1,000 matches instead of collecting every match first.
    const matches: Array<{ match: string; index: number; groups: Array<string | undefined>; named?: Record<string, string | undefined> }> = [];
    for (const match of text.matchAll(pattern)) {
      matches.push({ match: match[0], index: match.index, groups: match.slice(1), ...(match.groups ? { named: { ...match.groups } } : {}) });
      if (matches.length >= 1000) break;
    }
    return Promise.resolve(matches);
  },
};

const jsonPathTool: ToolImplementation = {
  name: "json-path",
  kind: "builtin",
  description: 'Select values from JSON with a path such as "$.items[*].name" or "$..id".',
  parameters: {
    type: "object",
    properties: { json: { description: "A JSON value, or a string holding JSON" }, path: { type: "string" } },
    required: ["json", "path"],
  },
  output: { type: "array" },
  run: (args) => {
    let document = args.json;
    if (typeof document === "string") {
      try {
        document = JSON.parse(document) as unknown;
      } catch {
        throw new Error("The json argument is a string that is not valid JSON.");
      }
    }
    return Promise.resolve(queryJsonPath(document, String(args.path)));
  },
};

function httpFetchTool(http: EngineServices["http"]): ToolImplementation {
  return {
    name: "http-fetch",
    kind: "builtin",
    description: "Fetch a URL over HTTP(S) and return its status and body (private addresses only where the workspace allows them).",
    parameters: {
      type: "object",
      properties: {
        url: { type: "string" },
        method: { type: "string", enum: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] },
        headers: { type: "object" },
        body: { type: "string" },
      },
      required: ["url"],
    },
    output: { type: "object", properties: { status: { type: "integer" }, body: { type: "string" } }, required: ["status", "body"] },
    async run(args, context) {
      const headers: Record<string, string> = {};
      if (args.headers && typeof args.headers === "object") for (const [name, value] of Object.entries(args.headers)) headers[name] = String(value);
      const response = await http.request({
        url: String(args.url),
        method: typeof args.method === "string" ? args.method : "GET",
        headers,
        ...(typeof args.body === "string" ? { body: args.body } : {}),
        timeoutMs: 60_000,
        signal: context.signal,
        followRedirects: true,
      });
      const body = new TextDecoder().decode(response.body);
      return { status: response.status, contentType: response.headers["content-type"] ?? "", body: body.length > MAX_HTTP_BODY_CHARS ? body.slice(0, MAX_HTTP_BODY_CHARS) : body };
    },
  };
}

function knowledgeSearchTool(knowledge: NonNullable<EngineServices["knowledge"]>): ToolImplementation {
  return {
    name: "knowledge-search",
    kind: "builtin",
    description: "Search knowledge bases of this workspace for passages relevant to a query.",
    parameters: {
      type: "object",
      properties: {
        query: { type: "string" },
        knowledgeBaseIds: { type: "array", items: { type: "string" }, description: "Ids of the knowledge bases to search" },
        topK: { type: "integer" },
      },
      required: ["query", "knowledgeBaseIds"],
    },
    output: { type: "array", items: { type: "object" } },
    async run(args, context) {
      const topK = typeof args.topK === "number" ? Math.max(1, Math.min(20, Math.trunc(args.topK))) : undefined;
      const result = await knowledge.retrieve({
        query: String(args.query),
        knowledgeBaseIds: (args.knowledgeBaseIds as unknown[]).map(String),
        ...(topK ? { settings: { topK } } : {}),
        signal: context.signal,
        private: context.private,
      });
      return result.hits.map((hit) => ({ text: hit.text, score: hit.score, document: hit.documentName, knowledgeBase: hit.knowledgeBaseName }));
    },
  };
}

function sqlQueryTool(sql: NonNullable<EngineServices["sql"]>): ToolImplementation {
  return {
    name: "sql-query",
    kind: "builtin",
    description: "Run one read-only SQL statement on a data source of this workspace (the SQL guard refuses writes); returns columns and rows.",
    parameters: {
      type: "object",
      properties: { dataSourceId: { type: "string" }, sql: { type: "string" }, maxRows: { type: "integer" } },
      required: ["dataSourceId", "sql"],
    },
    output: { type: "object", properties: { columns: { type: "array" }, rows: { type: "array" } }, required: ["columns", "rows"] },
    async run(args, context) {
      const result = await sql.execute(String(args.dataSourceId), String(args.sql), {
        ...(typeof args.maxRows === "number" ? { maxRows: Math.max(1, Math.trunc(args.maxRows)) } : {}),
        signal: context.signal,
      });
      return { columns: result.columns.map((column) => column.name), rows: result.rows, truncated: result.truncated, sql: result.sql };
    },
  };
}

/** The built-in tools over the run's ports: those that need an absent port (knowledge, sql) are left out. */
export function createBuiltinTools(services: Pick<EngineServices, "http" | "knowledge" | "sql">): ToolImplementation[] {
  return [
    currentTimeTool,
    calculatorTool,
    regexExtractTool,
    jsonPathTool,
    httpFetchTool(services.http),
    ...(services.knowledge ? [knowledgeSearchTool(services.knowledge)] : []),
    ...(services.sql ? [sqlQueryTool(services.sql)] : []),
  ];
}
