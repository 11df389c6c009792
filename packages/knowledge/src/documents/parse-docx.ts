import mammoth from "mammoth";
import { DocumentParseError, describeCause } from "./document-parse-error.ts";
import { parseHtml } from "./parse-html.ts";
import type { TextParts } from "./parse-markdown.ts";

/** Word's built-in Title style becomes a top-level heading, like Heading 1. */
const STYLE_MAP = ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => h2:fresh"];

/** Converts with mammoth to HTML (it maps Heading 1–6 styles to h1–h6), then reads the HTML. */
export async function parseDocx(name: string, bytes: Uint8Array): Promise<TextParts> {
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes) },
      {
        styleMap: STYLE_MAP,
        // Images carry no text; skipping them avoids building large base64 data URIs.
        convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: "" })),
      },
    );
    html = result.value;
  } catch (error) {
    throw new DocumentParseError(
      "corrupt_document",
      `${name} could not be read as a Word document: ${describeCause(error)}. Re-save it as .docx from Word or upload a PDF.`,
      { cause: error },
    );
  }
  return parseHtml(html);
}
