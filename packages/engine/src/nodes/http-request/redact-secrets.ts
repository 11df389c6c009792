const REDACTED = "[redacted]";
/** Names that usually carry credentials, in headers, query parameters, form fields and JSON keys. */
const SECRET_NAME = /(^|[-_])auth($|[-_])|authori[sz]ation|token|secret|passw|api[-_]?key|^key$|cookie|session|signature|credential|private[-_]?key/i;
const ALWAYS_SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Execution records are shown to everyone who can see the run; credentials stay out of them. */
export function redactHeaders(headers: Record<string, string>, alsoSecret: ReadonlySet<string> = new Set()): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    shown[name] = ALWAYS_SECRET_HEADERS.has(lower) || alsoSecret.has(lower) || isSecretName(lower) ? REDACTED : value;
  }
  return shown;
}

export function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = "redacted";
  for (const name of [...new Set(copy.searchParams.keys())]) {
    if (isSecretName(name)) copy.searchParams.set(name, REDACTED);
  }
  return copy.href;
}

/** Replaces the values of secret-looking keys, at any depth. */
export function redactJson(value: unknown, depth = 0): unknown {
  if (depth > 32 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => redactJson(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, isSecretName(key) ? REDACTED : redactJson(item, depth + 1)]),
  );
}
