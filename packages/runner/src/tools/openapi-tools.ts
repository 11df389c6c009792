import type { OutboundHttp, ToolImplementation, ToolSource } from "@tandem/engine";
import type { OpenApiProviderConfig, ToolCredentials } from "./tool-provider-config.ts";

type JsonObject = Record<string, unknown>;

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;
type Method = (typeof METHODS)[number];

/** One operation of the document, as a tool calls it. */
export interface OpenApiOperation {
  toolName: string;
  method: Method;
  path: string;
  description: string;
  parameters: JsonObject;
  output?: JsonObject;
  /** Where each argument goes. `body` is the whole request body; `body-field` one property of it. */
  placement: Record<string, "path" | "query" | "header" | "body" | "body-field">;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Resolves local `$ref`s (`#/components/...`) to their targets, to a bounded depth (recursive schemas stop there). */
function resolveRefs(value: unknown, document: JsonObject, depth = 0): unknown {
  if (depth > 12) return {};
  if (Array.isArray(value)) return value.map((item) => resolveRefs(item, document, depth + 1));
  if (!isObject(value)) return value;
  if (typeof value.$ref === "string") {
    if (!value.$ref.startsWith("#/")) throw new Error(`Only local references are supported; "${value.$ref}" points outside the document.`);
    let target: unknown = document;
    for (const part of value.$ref.slice(2).split("/")) target = isObject(target) ? target[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
    if (target === undefined) throw new Error(`The reference "${value.$ref}" points at nothing in the document.`);
    return resolveRefs(target, document, depth + 1);
  }
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, resolveRefs(child, document, depth + 1)]));
}

function toolNameOf(provider: string, operationId: string): string {
  const cleaned = operationId.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "") || "operation";
  return `${provider}__${cleaned}`.slice(0, 64);
}

function jsonContentSchema(content: unknown): JsonObject | undefined {
  if (!isObject(content)) return undefined;
  const entry = Object.entries(content).find(([type]) => /json/i.test(type));
  return entry && isObject(entry[1]) && isObject(entry[1].schema) ? entry[1].schema : undefined;
}

/**
 * Every operation of an OpenAPI 3 document as a tool: path, query and header parameters become
 * typed arguments; a JSON request body's properties are flattened into the arguments when no name
 * clashes (small models fill flat objects better), else it is one `body` argument. The 2xx JSON
 * response schema, when there is one, becomes the tool's output schema.
 */
export function readOpenApiOperations(provider: string, document: JsonObject): OpenApiOperation[] {
  if (typeof document.openapi !== "string" || !document.openapi.startsWith("3.")) {
    throw new Error('This is not an OpenAPI 3 document: it has no "openapi": "3.x" field (Swagger 2 is not supported).');
  }
  if (!isObject(document.paths)) throw new Error("The OpenAPI document has no paths.");
  const operations: OpenApiOperation[] = [];
  for (const [path, rawItem] of Object.entries(document.paths)) {
    const item = resolveRefs(rawItem, document);
    if (!isObject(item)) continue;
    // Array.isArray narrows to any[]; unknown[] is the honest (wider) type.
    const shared: unknown[] = Array.isArray(item.parameters) ? (item.parameters as unknown[]) : [];
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const operationId = typeof operation.operationId === "string" ? operation.operationId : `${method}_${path}`;
      const properties: JsonObject = {};
      const required: string[] = [];
      const placement: OpenApiOperation["placement"] = {};
      // Array.isArray narrows to any[]; unknown[] is the honest (wider) type.
      const parameters: unknown[] = [...shared, ...(Array.isArray(operation.parameters) ? (operation.parameters as unknown[]) : [])];
      for (const parameter of parameters) {
        if (!isObject(parameter) || typeof parameter.name !== "string") continue;
        const where = parameter.in;
        if (where !== "path" && where !== "query" && where !== "header") continue;
        properties[parameter.name] = {
          ...(isObject(parameter.schema) ? parameter.schema : { type: "string" }),
          ...(typeof parameter.description === "string" ? { description: parameter.description } : {}),
        };
        placement[parameter.name] = where;
        if (parameter.required === true || where === "path") required.push(parameter.name);
      }
      const requestBody = isObject(operation.requestBody) ? operation.requestBody : undefined;
      const bodySchema = requestBody ? jsonContentSchema(requestBody.content) : undefined;
      if (bodySchema) {
        const fields = isObject(bodySchema.properties) ? bodySchema.properties : undefined;
        if (fields && Object.keys(fields).every((name) => !(name in properties))) {
          for (const [name, schema] of Object.entries(fields)) {
            properties[name] = schema;
            placement[name] = "body-field";
          }
          if (Array.isArray(bodySchema.required)) required.push(...bodySchema.required.filter((name): name is string => typeof name === "string"));
        } else {
          properties.body = bodySchema;
          placement.body = "body";
          if (requestBody?.required === true) required.push("body");
        }
      }
      const responses = isObject(operation.responses) ? operation.responses : {};
      const success = Object.entries(responses).find(([status]) => /^2/.test(status))?.[1];
      const output = isObject(success) ? jsonContentSchema(success.content) : undefined;
      const summary = [operation.summary, operation.description].filter((text): text is string => typeof text === "string" && text.trim() !== "").join(" — ");
      operations.push({
        toolName: toolNameOf(provider, operationId),
        method,
        path,
        description: (summary || `${method.toUpperCase()} ${path}`).slice(0, 2000),
        parameters: { type: "object", properties, ...(required.length > 0 ? { required: [...new Set(required)] } : {}) },
        ...(output ? { output } : {}),
        placement,
      });
    }
  }
  return operations;
}

function argumentText(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
}

function baseUrlOf(config: OpenApiProviderConfig): string {
  if (config.baseUrl) return config.baseUrl;
  const servers = config.document.servers;
  const first: unknown = Array.isArray(servers) ? servers[0] : undefined;
  if (isObject(first) && typeof first.url === "string" && /^https?:\/\//i.test(first.url)) return first.url;
  throw new Error("The OpenAPI document names no absolute server URL; set the provider's base URL.");
}

/**
 * A tool source over one OpenAPI provider. Requests go through the SSRF-guarded HTTP port (so a
 * server on a private address needs the workspace's allowed hosts) with the provider's auth added.
 */
export function createOpenApiToolSource(options: { name: string; config: OpenApiProviderConfig; credentials: ToolCredentials; http: OutboundHttp }): ToolSource {
  const { config, credentials, http } = options;
  const operations = readOpenApiOperations(options.name, config.document);
  const tools = operations.map(
    (operation): ToolImplementation => ({
      name: operation.toolName,
      kind: "openapi",
      description: operation.description,
      parameters: operation.parameters,
      ...(operation.output ? { output: operation.output } : {}),
      async run(args, context) {
        let path = operation.path;
        const url = new URL(baseUrlOf(config).replace(/\/+$/, "") + "/");
        const headers: Record<string, string> = { accept: "application/json" };
        const bodyFields: JsonObject = {};
        let body: unknown;
        for (const [name, value] of Object.entries(args)) {
          if (value === undefined || value === null) continue;
          switch (operation.placement[name]) {
            case "path":
              path = path.replaceAll(`{${name}}`, encodeURIComponent(argumentText(value)));
              break;
            case "query":
              url.searchParams.append(name, argumentText(value));
              break;
            case "header":
              headers[name.toLowerCase()] = argumentText(value);
              break;
            case "body":
              body = value;
              break;
            case "body-field":
              bodyFields[name] = value;
              break;
            default:
              throw new Error(`"${name}" is not a parameter of this operation.`);
          }
        }
        if (Object.keys(bodyFields).length > 0) body = bodyFields;
        const target = new URL(path.replace(/^\/+/, ""), url);
        target.search = url.search;
        const auth = config.auth;
        if (auth.type !== "none" && !credentials.secret) throw new Error("The provider's credentials are missing: set its API key, token or password.");
        const secret = credentials.secret ?? "";
        if (auth.type === "api-key" && auth.in === "header") headers[auth.name.toLowerCase()] = secret;
        if (auth.type === "api-key" && auth.in === "query") target.searchParams.set(auth.name, secret);
        if (auth.type === "bearer") headers.authorization = `Bearer ${secret}`;
        if (auth.type === "basic") headers.authorization = `Basic ${Buffer.from(`${auth.username}:${secret}`).toString("base64")}`;
        if (body !== undefined) headers["content-type"] = "application/json";
        const response = await http.request({
          url: target.toString(),
          method: operation.method.toUpperCase(),
          headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          timeoutMs: config.timeoutMs,
          signal: context.signal,
          followRedirects: true,
        });
        const text = new TextDecoder().decode(response.body);
        if (response.status < 200 || response.status > 299) throw new Error(`HTTP ${response.status} from ${operation.method.toUpperCase()} ${operation.path}: ${text.slice(0, 500) || "(empty body)"}`);
        if (/json/i.test(response.headers["content-type"] ?? "")) {
          try {
            return JSON.parse(text) as unknown;
          } catch {
            throw new Error(`The response of ${operation.method.toUpperCase()} ${operation.path} says it is JSON but is not.`);
          }
        }
        return text;
      },
    }),
  );
  return { label: `OpenAPI tools "${options.name}"`, list: () => Promise.resolve(tools), owns: (name) => name.startsWith(`${options.name}__`) };
}
