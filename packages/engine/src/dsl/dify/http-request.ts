import { HTTP_METHODS, httpRequestSchema } from "../../nodes/http-request/http-request.schema.ts";
import { asList, asRecord, asText, type ConverterContext, type DifyNodeData, type NodeConverter } from "./converter.ts";
import { convertHttpAuth } from "./http-auth.ts";

type Pair = { name: string; value: string };

/** Dify's http-request node. Retries come from the node's retry_config (node policy), not the config. */
export const convertHttpRequest: NodeConverter = (data, context) => {
  const method = asText(data.method, "get").toUpperCase();
  const known = (HTTP_METHODS as readonly string[]).includes(method);
  if (!known) context.report(["method"], `HTTP method "${method}" is not supported; GET was used.`);
  const config: Record<string, unknown> = {
    method: known ? method : "GET",
    url: asText(data.url),
    headers: readPairs(data.headers, ["headers"], context),
    params: readPairs(data.params, ["params"], context),
    body: convertBody(asRecord(data.body), context),
    auth: convertHttpAuth(asRecord(data.authorization), context),
  };
  const timeoutMs = readTimeout(data.timeout);
  if (timeoutMs !== undefined) config.timeoutMs = timeoutMs;
  if (data.ssl_verify === false) {
    context.report(["ssl_verify"], "Skipping TLS certificate checks is not supported: certificates are always verified.", "warning");
  }
  return { type: "http-request", version: httpRequestSchema.version, config };
};

/** Dify's "Key:Value" lines (headers, params and old form bodies), or its newer list of { key, value }. */
function readPairs(value: unknown, path: Array<string | number>, context: ConverterContext): Pair[] {
  if (Array.isArray(value)) return asList(value).map((item) => ({ name: asText(asRecord(item).key).trim(), value: asText(asRecord(item).value) }));
  const pairs: Pair[] = [];
  asText(value)
    .split(/\r?\n/)
    .forEach((line, index) => {
      if (line.trim() === "") return;
      const colon = line.indexOf(":");
      if (colon <= 0) {
        context.report(path, `Line ${index + 1} ("${line.trim().slice(0, 40)}") is not "Name:Value"; it was not imported.`);
        return;
      }
      pairs.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
    });
  return pairs;
}

function convertBody(body: DifyNodeData, context: ConverterContext): Record<string, unknown> {
  const type = asText(body.type, "none");
  // Before Dify 0.2 `data` was the text; since, a list of { key, type, value } (one item for json and raw text).
  const text = (): string => (Array.isArray(body.data) ? asText(asRecord(body.data[0]).value) : asText(body.data));
  switch (type) {
    case "none":
      return { type: "none" };
    case "json":
      return { type: "json", json: text() };
    case "raw-text":
      return { type: "raw", contentType: "text/plain", text: text() };
    case "x-www-form-urlencoded":
      return { type: "form", fields: readPairs(body.data, ["body", "data"], context) };
    case "form-data": {
      const items = asList(body.data).map(asRecord);
      if (items.some((item) => item.type === "file")) context.report(["body", "data"], "File fields in a form body are not supported; they were imported as text.");
      context.report(["body", "type"], "Multipart form-data bodies are not supported: the fields are sent URL-encoded instead; check the API accepts that.");
      return { type: "form", fields: readPairs(body.data, ["body", "data"], context) };
    }
    default:
      context.report(["body", "type"], `Request bodies of type "${type}" are not supported; the request is sent without a body.`);
      return { type: "none" };
  }
}

/** Dify's connect/read/write timeouts (seconds) as one time limit per attempt; undefined for the default. */
function readTimeout(value: unknown): number | undefined {
  const timeout = asRecord(value);
  const seconds = ["connect", "read", "write"].map((key) => timeout[key]).filter((part): part is number => typeof part === "number" && part > 0);
  if (seconds.length === 0) return undefined;
  return Math.min(Math.max(Math.round(seconds.reduce((sum, part) => sum + part, 0) * 1000), 100), 300_000);
}
