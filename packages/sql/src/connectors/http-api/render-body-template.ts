export interface TemplateValues {
  sql: string;
  maxRows: number;
  timeoutMs: number;
}

const placeholder = /\{\{\s*(sql|maxRows|timeoutMs)\s*\}\}/g;

function substitute(node: unknown, values: TemplateValues): unknown {
  if (typeof node === "string") {
    // A string that is only `{{maxRows}}` or `{{timeoutMs}}` becomes a JSON number, as an API expects.
    const whole = /^\{\{\s*(maxRows|timeoutMs)\s*\}\}$/.exec(node);
    if (whole !== null) return whole[1] === "maxRows" ? values.maxRows : values.timeoutMs;
    return node.replace(placeholder, (_match, name: string) => String(values[name as keyof TemplateValues])); // name is one of the three alternatives of the pattern.
  }
  if (Array.isArray(node)) return node.map((item) => substitute(item, values));
  if (typeof node === "object" && node !== null) return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, substitute(value, values)]));
  return node;
}

/**
 * The request body for one statement: the template is parsed as JSON and the placeholders are replaced
 * inside its strings, so the SQL is escaped by JSON serialisation itself (quotes, backslashes, newlines)
 * and can never break out of its string. `"{{maxRows}}"` alone in a string becomes a number.
 */
export function renderBodyTemplate(template: string, values: TemplateValues): string {
  return JSON.stringify(substitute(JSON.parse(template) as unknown, values));
}

/** A URL with the placeholders replaced, URL-encoded (for APIs that take the statement in the query string). */
export function renderUrlTemplate(url: string, values: TemplateValues): string {
  return url.replace(placeholder, (_match, name: string) => encodeURIComponent(String(values[name as keyof TemplateValues]))); // As above.
}
