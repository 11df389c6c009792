import { HttpRequestError } from "./http-request-error.ts";
import type { HttpRequestConfig } from "./http-request.schema.ts";
import { redactHeaders, redactJson, redactUrl, isSecretName } from "./redact-secrets.ts";
import { renderJsonTemplate } from "./render-json-template.ts";

export interface BuiltHttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** What the execution record shows: the same request with credentials redacted. */
  recorded: { method: string; url: string; headers: Record<string, string>; body?: string };
}

const RECORDED_BODY_CHARS = 4_000;

/** Fills the config's variables in and assembles the request: URL with query, headers, auth and body. */
export function buildHttpRequest(config: HttpRequestConfig, render: (text: string) => string): BuiltHttpRequest {
  const url = parseUrl(render(config.url).trim());
  for (const param of config.params) url.searchParams.append(param.name, render(param.value));

  // Keyed by lower-case name, so auth and defaults replace a header whatever its spelling.
  const headers = new Map<string, [string, string]>();
  const secretHeaders = new Set<string>();
  const setHeader = (name: string, value: string): void => {
    if (/[\r\n\0]/.test(value)) {
      throw new HttpRequestError("invalid_request", `The header "${name}" contains a line break once its variables are filled in; headers must be one line.`);
    }
    headers.set(name.toLowerCase(), [name, value]);
  };
  for (const header of config.headers) setHeader(header.name, render(header.value));

  const body = buildBody(config, render);
  if (body && !headers.has("content-type")) setHeader("Content-Type", body.contentType);

  const auth = config.auth;
  if (auth.type === "bearer") setHeader("Authorization", `Bearer ${render(auth.token).trim()}`);
  if (auth.type === "basic") setHeader("Authorization", `Basic ${Buffer.from(`${render(auth.username)}:${render(auth.password)}`).toString("base64")}`);
  if (auth.type === "custom") {
    setHeader(auth.header, render(auth.value));
    secretHeaders.add(auth.header.toLowerCase());
  }
  // Some APIs (GitHub among them) refuse requests without a User-Agent.
  if (!headers.has("user-agent")) setHeader("User-Agent", "Tandem-Workflow/1.0");

  const flat = Object.fromEntries([...headers.values()]);
  const recorded: BuiltHttpRequest["recorded"] = { method: config.method, url: redactUrl(url), headers: redactHeaders(flat, secretHeaders) };
  if (body) recorded.body = body.recorded.slice(0, RECORDED_BODY_CHARS);
  return { url: url.href, method: config.method, headers: flat, body: body?.text, recorded };
}

function parseUrl(text: string): URL {
  try {
    return new URL(text);
  } catch (error) {
    throw new HttpRequestError(
      "invalid_request",
      `"${text.slice(0, 200)}" is not a valid URL once its variables are filled in. Write a full address like https://api.example.com/items, and check that the variables it uses are set.`,
      { cause: error },
    );
  }
}

function buildBody(config: HttpRequestConfig, render: (text: string) => string): { text: string; contentType: string; recorded: string } | undefined {
  const body = config.body;
  switch (body.type) {
    case "none":
      return undefined;
    case "json": {
      const text = renderJsonTemplate(body.json, render);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new HttpRequestError(
          "invalid_request",
          `The JSON body is not valid JSON once its variables are filled in (${error instanceof Error ? error.message : String(error)}). Put text variables inside quotes, like "{{#start.query#}}".`,
          { cause: error },
        );
      }
      return { text, contentType: "application/json", recorded: JSON.stringify(redactJson(parsed)) };
    }
    case "form": {
      const form = new URLSearchParams();
      const shown = new URLSearchParams();
      for (const field of body.fields) {
        const value = render(field.value);
        form.append(field.name, value);
        shown.append(field.name, isSecretName(field.name) ? "[redacted]" : value);
      }
      return { text: form.toString(), contentType: "application/x-www-form-urlencoded", recorded: shown.toString() };
    }
    case "raw": {
      const text = render(body.text);
      return { text, contentType: body.contentType, recorded: text };
    }
  }
}
