import { z } from "zod";
import { defineNodeSchema, type ConfigProblem } from "../../schema/node-schema.ts";
import { templateText } from "../../schema/value-reference.ts";

/** RFC 9110 token characters: what a header name may contain. */
const headerName = z
  .string()
  .min(1, "a header needs a name")
  .max(256)
  .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, "use letters, digits and - _ . only, no spaces or colons");

const nameValuePair = (name: z.ZodString) => z.object({ name, value: templateText({ maxLength: 64_000 }) });

const bodySchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  /** JSON text; `{{#node.output#}}` inside a string literal is escaped, so quotes in values cannot break it. */
  z.object({ type: z.literal("json"), json: templateText() }),
  /** Sent as application/x-www-form-urlencoded. */
  z.object({ type: z.literal("form"), fields: z.array(nameValuePair(z.string().min(1, "a form field needs a name").max(256))).max(200) }),
  z.object({ type: z.literal("raw"), contentType: z.string().min(1).max(256).default("text/plain"), text: templateText() }),
]);

const authSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  /** Values may reference secrets, e.g. `{{#env.API_TOKEN#}}`. */
  z.object({ type: z.literal("bearer"), token: templateText({ maxLength: 16_000 }) }),
  z.object({ type: z.literal("basic"), username: templateText({ maxLength: 1_000 }), password: templateText({ maxLength: 16_000 }) }),
  z.object({ type: z.literal("custom"), header: headerName, value: templateText({ maxLength: 16_000 }) }),
]);

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

export const httpRequestConfigSchema = z.object({
  method: z.enum(HTTP_METHODS).default("GET"),
  /** May embed `{{#node.output#}}`; query parameters are better added in `params`, which encodes them. */
  url: templateText({ maxLength: 8_192 }),
  headers: z.array(nameValuePair(headerName)).max(100).default([]),
  params: z.array(nameValuePair(z.string().min(1, "a query parameter needs a name").max(256))).max(100).default([]),
  body: bodySchema.default({ type: "none" }),
  auth: authSchema.default({ type: "none" }),
  /** Per attempt. */
  timeoutMs: z.number().int().min(100).max(300_000).default(30_000),
  /** Extra attempts on network errors, timeouts, 5xx and 429; the wait doubles after each. */
  retries: z
    .object({
      attempts: z.number().int().min(0).max(5).default(0),
      backoffMs: z.number().int().min(0).max(60_000).default(1_000),
    })
    .default({}),
  followRedirects: z.boolean().default(true),
  /** Off (the default, as in Dify): a 404 or 500 is an output to branch on, not a failure of the node. */
  failOnHttpError: z.boolean().default(false),
});

export type HttpRequestConfig = z.infer<typeof httpRequestConfigSchema>;

export const httpRequestSchema = defineNodeSchema({
  type: "http-request",
  version: 1,
  title: "HTTP Request",
  description: "Call an HTTP API and use its status, headers and body downstream.",
  category: "tool",
  config: httpRequestConfigSchema,
  outputs: () => [
    { name: "status_code", type: "number" },
    { name: "body", type: "string", description: "The response body as text." },
    { name: "headers", type: "object", description: "Response headers, names in lower case." },
    { name: "json", type: "any", description: "The parsed body when the response is JSON, else null." },
  ],
  pure: false,
  check: (config) => {
    const problems: ConfigProblem[] = [];
    if (config.url.trim() === "") problems.push({ path: ["url"], message: "enter the URL to call, like https://api.example.com/items" });
    else if (!/^\s*(https?:\/\/|\{\{#)/i.test(config.url)) problems.push({ path: ["url"], message: "the URL must start with http:// or https://" });
    return problems;
  },
});
