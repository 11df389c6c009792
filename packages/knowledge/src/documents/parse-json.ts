import { DocumentParseError, describeCause } from "./document-parse-error.ts";
import type { TextParts } from "./parse-markdown.ts";

/** Items of an array of objects become their own sections while each stays this small. */
const MAX_ITEM_CHARS = 4000;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Pretty-printed JSON; an array of small objects gives one section per item. */
export function parseJson(name: string, text: string): TextParts {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DocumentParseError(
      "corrupt_document",
      `${name} could not be read as JSON: ${describeCause(error)}. Fix the syntax or upload it as a .txt file.`,
      { cause: error },
    );
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) {
    const items = value.map((item) => JSON.stringify(item, null, 2));
    if (items.every((item) => item.length <= MAX_ITEM_CHARS)) {
      return { drafts: items.map((item) => ({ text: item })), metadata: { rows: items.length } };
    }
  }
  return { drafts: [{ text: JSON.stringify(value, null, 2) }], metadata: {} };
}
