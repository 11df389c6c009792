import { PDFParse } from "pdf-parse";
import { DocumentParseError, describeCause } from "./document-parse-error.ts";
import type { TextParts } from "./parse-markdown.ts";

/** One section per page, with 1-based page numbers; title from the PDF's info dictionary. */
export async function parsePdf(name: string, bytes: Uint8Array): Promise<TextParts> {
  // pdf.js may transfer (detach) the buffer it is given, so it gets a copy, never the caller's bytes.
  const parser = new PDFParse({ data: new Uint8Array(bytes), verbosity: 0 });
  try {
    const result = await parser.getText();
    const info = await parser.getInfo();
    const rawTitle: unknown = (info.info as Record<string, unknown> | undefined)?.["Title"];
    const title = typeof rawTitle === "string" && rawTitle.trim() !== "" ? rawTitle.trim() : undefined;
    const drafts = result.pages.map((page) => ({ text: page.text.replace(/\r\n?/g, "\n"), page: page.num }));
    return { drafts, metadata: { pages: result.total, ...(title === undefined ? {} : { title }) } };
  } catch (error) {
    const reason = describeCause(error);
    const message = /password/i.test(reason)
      ? `${name} is password-protected. Remove the password (print to a new PDF) and upload it again.`
      : `${name} could not be read as a PDF: ${reason}. Re-export it or upload another format.`;
    throw new DocumentParseError("corrupt_document", message, { cause: error });
  } finally {
    await parser.destroy();
  }
}
