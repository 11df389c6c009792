import { asRecord, asText, type ConverterContext, type DifyNodeData } from "./converter.ts";

/**
 * Dify's `authorization: { type: "no-auth" | "api-key", config: { type: "basic" | "bearer" | "custom", api_key, header } }`.
 * Dify sends bearer keys in `header` (Authorization unless changed) and basic keys as "Basic <key>",
 * base64-encoding "user:password" keys: those become Tandem basic auth, others a custom header with
 * the same value.
 */
export function convertHttpAuth(authorization: DifyNodeData, context: ConverterContext): Record<string, unknown> {
  const type = asText(authorization.type, "no-auth");
  if (type === "no-auth") return { type: "none" };
  if (type !== "api-key") {
    context.report(["authorization", "type"], `Authorization "${type}" is not supported; the request is sent without it.`);
    return { type: "none" };
  }
  const config = asRecord(authorization.config);
  const key = asText(config.api_key);
  const header = asText(config.header).trim() || "Authorization";
  switch (asText(config.type, "bearer")) {
    case "bearer":
      return header.toLowerCase() === "authorization" ? { type: "bearer", token: key } : { type: "custom", header, value: `Bearer ${key}` };
    case "basic": {
      if (header.toLowerCase() !== "authorization") {
        context.report(["authorization", "config", "header"], `Basic credentials go in the Authorization header, not "${header}".`, "warning");
      }
      // References never contain ":", so the first colon separates user and password.
      const colon = key.indexOf(":");
      if (colon > 0) return { type: "basic", username: key.slice(0, colon), password: key.slice(colon + 1) };
      if (key.includes("{{#")) {
        const message = 'The basic credentials are a reference: Tandem sends its value as is, so it must already be base64 of "user:password".';
        context.report(["authorization", "config", "api_key"], message, "warning");
      }
      return { type: "custom", header: "Authorization", value: `Basic ${key}` };
    }
    case "custom":
      return { type: "custom", header, value: key };
    default:
      context.report(["authorization", "config", "type"], `API key type "${asText(config.type)}" is not supported; the request is sent without authorization.`);
      return { type: "none" };
  }
}
