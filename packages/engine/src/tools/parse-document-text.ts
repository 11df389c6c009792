import { parse } from "yaml";

/**
 * Parses a document pasted or fetched as text, JSON or YAML (YAML 1.2 reads JSON too): OpenAPI
 * documents come in both. Throws with the parser's message, which names the line.
 */
export function parseDocumentText(text: string): unknown {
  return parse(text, { maxAliasCount: 100 }) as unknown;
}
