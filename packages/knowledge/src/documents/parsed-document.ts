/** The formats `parseDocument` understands. */
export const DOCUMENT_FORMATS = ["txt", "md", "html", "pdf", "docx", "csv", "xlsx", "json"] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

/** One contiguous part of a document: a page, a sheet, a heading's body, a JSON item. */
export interface DocumentSection {
  text: string;
  /** 1-based page number (PDF). */
  page?: number;
  /** Heading path from the outermost heading down, e.g. ["Guide", "Install"]. */
  heading?: string[];
  /** Character offset of `text` inside `ParsedDocument.text`. */
  position: number;
}

export interface DocumentMetadata {
  pages?: number;
  title?: string;
  sheetNames?: string[];
  rows?: number;
}

export interface ParsedDocument {
  format: DocumentFormat;
  /** All sections joined by a blank line; section positions index into this string. */
  text: string;
  sections: DocumentSection[];
  metadata: DocumentMetadata;
}

/** A section before it is placed in the document text. */
export type SectionDraft = Omit<DocumentSection, "position">;

export const SECTION_SEPARATOR = "\n\n";

/** Joins drafts into a document, dropping empty sections and computing each position. */
export function assembleDocument(
  format: DocumentFormat,
  drafts: readonly SectionDraft[],
  metadata: DocumentMetadata,
): ParsedDocument {
  const sections: DocumentSection[] = [];
  let text = "";
  for (const draft of drafts) {
    const trimmed = draft.text.trim();
    if (trimmed === "") continue;
    if (text !== "") text += SECTION_SEPARATOR;
    sections.push({ ...draft, text: trimmed, position: text.length });
    text += trimmed;
  }
  return { format, text, sections, metadata };
}
