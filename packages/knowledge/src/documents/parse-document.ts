import { decodeText } from "./decode-text.ts";
import { detectFormat, formatLabel } from "./detect-format.ts";
import { DocumentParseError } from "./document-parse-error.ts";
import { parseDocx } from "./parse-docx.ts";
import { parseHtml } from "./parse-html.ts";
import { parseJson } from "./parse-json.ts";
import { parseMarkdown, type TextParts } from "./parse-markdown.ts";
import { parsePdf } from "./parse-pdf.ts";
import { parseCsv, parseXlsx } from "./parse-tables.ts";
import { assembleDocument, type DocumentFormat, type ParsedDocument } from "./parsed-document.ts";

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
export const DEFAULT_MAX_CHARS = 10_000_000;

export interface DocumentInput {
  /** The file name as uploaded; its extension is the first hint of the format. */
  name: string;
  mimeType?: string;
  bytes: Uint8Array;
}

export interface ParseDocumentOptions {
  /** Larger files are refused before parsing (default 50 MiB). */
  maxBytes?: number;
  /** Documents whose extracted text is longer are refused (default 10 million characters). */
  maxChars?: number;
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

async function extract(format: DocumentFormat, input: DocumentInput): Promise<TextParts> {
  switch (format) {
    case "pdf":
      return parsePdf(input.name, input.bytes);
    case "docx":
      return parseDocx(input.name, input.bytes);
    case "xlsx":
      return parseXlsx(input.name, input.bytes);
    case "txt":
      return { drafts: [{ text: decodeText(input.bytes) }], metadata: {} };
    case "md":
      return parseMarkdown(decodeText(input.bytes));
    case "html":
      return parseHtml(decodeText(input.bytes));
    case "csv":
      return parseCsv(input.name, decodeText(input.bytes));
    case "json":
      return parseJson(input.name, decodeText(input.bytes));
  }
}

/**
 * Turns an uploaded file into text and sections (pages, headings, sheets, rows) for chunking.
 * Throws `DocumentParseError` with a code and a message for the user when the file is empty, too
 * large, corrupt or of a format Tandem does not read.
 */
export async function parseDocument(input: DocumentInput, options: ParseDocumentOptions = {}): Promise<ParsedDocument> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  if (input.bytes.byteLength === 0) {
    throw new DocumentParseError("empty_document", `${input.name} is empty (0 bytes). Upload the file again or pick another one.`);
  }
  if (input.bytes.byteLength > maxBytes) {
    throw new DocumentParseError(
      "too_large",
      `${input.name} is ${megabytes(input.bytes.byteLength)}, over the ${megabytes(maxBytes)} limit. Split it into smaller files.`,
    );
  }
  const format = detectFormat(input.name, input.mimeType, input.bytes);
  const parts = await extract(format, input);
  const document = assembleDocument(format, parts.drafts, parts.metadata);
  if (document.text === "") {
    const hint =
      format === "pdf"
        ? " A scanned PDF holds images, not text: run it through OCR first."
        : " Check that it is the right file.";
    throw new DocumentParseError("empty_document", `${input.name} (${formatLabel(format)}) contains no text.${hint}`);
  }
  if (document.text.length > maxChars) {
    throw new DocumentParseError(
      "too_large",
      `${input.name} holds ${document.text.length.toLocaleString("en-US")} characters of text, over the ${maxChars.toLocaleString("en-US")} limit. Split it into smaller files.`,
    );
  }
  return document;
}
