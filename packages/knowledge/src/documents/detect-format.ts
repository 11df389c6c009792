import { DocumentParseError } from "./document-parse-error.ts";
import type { DocumentFormat } from "./parsed-document.ts";

const EXTENSIONS: Record<string, DocumentFormat> = {
  txt: "txt", text: "txt", log: "txt",
  md: "md", markdown: "md", mdx: "md",
  html: "html", htm: "html", xhtml: "html",
  pdf: "pdf", docx: "docx", csv: "csv", xlsx: "xlsx", json: "json",
};

const MIME_TYPES: Record<string, DocumentFormat> = {
  "text/plain": "txt",
  "text/markdown": "md",
  "text/x-markdown": "md",
  "text/html": "html",
  "application/xhtml+xml": "html",
  "application/pdf": "pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "text/csv": "csv",
  "application/csv": "csv",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "application/json": "json",
};

const LABELS: Record<DocumentFormat, string> = {
  txt: "a text file", md: "Markdown", html: "HTML", pdf: "a PDF", docx: "a Word document (.docx)",
  csv: "CSV", xlsx: "an Excel workbook (.xlsx)", json: "JSON",
};

const SUPPORTED = "PDF, DOCX, XLSX, CSV, JSON, HTML, Markdown or plain text";

export function formatLabel(format: DocumentFormat): string {
  return LABELS[format];
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((byte, index) => bytes[index] === byte);
}

/** pdf.js accepts a header anywhere in the first 1 KiB, so we do too. */
function hasPdfHeader(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 1024)).includes("%PDF-", 0, "latin1");
}

/** Zip central-directory names are stored uncompressed, so the part names show up in the raw bytes. */
function zipKind(bytes: Uint8Array): "docx" | "xlsx" | "zip" {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.includes("word/document.xml", 0, "latin1")) return "docx";
  if (buffer.includes("xl/workbook.xml", 0, "latin1")) return "xlsx";
  return "zip";
}

function binaryKind(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0x4d, 0x5a])) return "a Windows executable";
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return "a Linux executable";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47])) return "a PNG image";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "a JPEG image";
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return "a GIF image";
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) return "a legacy Office file (.doc/.xls/.ppt)";
  if (startsWith(bytes, [0x1f, 0x8b])) return "a gzip archive";
  const sample = bytes.subarray(0, 8192);
  const utf16 = startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff]);
  if (!utf16 && sample.includes(0)) return "a binary file";
  return undefined;
}

function declaredFormat(name: string, mimeType: string | undefined): DocumentFormat | undefined {
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  if (extension !== undefined && extension in EXTENSIONS) return EXTENSIONS[extension];
  const mime = mimeType?.split(";")[0]?.trim().toLowerCase();
  if (mime !== undefined && mime in MIME_TYPES) return MIME_TYPES[mime];
  if (extension !== undefined) return undefined;
  return mime?.startsWith("text/") === true ? "txt" : undefined;
}

/**
 * Picks the parser for a file. The extension (then the MIME type) says what the user meant; the
 * magic bytes say what the file is, and win when they disagree, so a renamed DOCX still parses and
 * a program renamed to .txt is refused.
 */
export function detectFormat(name: string, mimeType: string | undefined, bytes: Uint8Array): DocumentFormat {
  const declared = declaredFormat(name, mimeType);
  if (hasPdfHeader(bytes)) return "pdf";
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    const kind = zipKind(bytes);
    if (kind !== "zip") return kind;
    if (declared === "docx" || declared === "xlsx") {
      throw new DocumentParseError(
        "corrupt_document",
        `${name} is a ZIP archive without the parts of ${LABELS[declared]}. Re-save it from Word or Excel, or upload another format.`,
      );
    }
    const claim = declared === undefined ? "" : ` (its name says ${LABELS[declared]})`;
    throw new DocumentParseError(
      "unsupported_format",
      `${name} is a ZIP archive${claim}, which cannot be read. Extract it and upload the documents inside: ${SUPPORTED}.`,
    );
  }
  const binary = binaryKind(bytes);
  if (binary !== undefined) {
    throw new DocumentParseError(
      "unsupported_format",
      `${name} is ${binary}, not a document Tandem can read. Upload ${SUPPORTED}.`,
    );
  }
  if (declared === "pdf" || declared === "docx" || declared === "xlsx") {
    throw new DocumentParseError(
      "corrupt_document",
      `${name} could not be read as ${LABELS[declared]}: the file does not start with the expected signature. Re-export it or upload another format.`,
    );
  }
  if (declared !== undefined) return declared;
  if (/\.[A-Za-z0-9]+$/.test(name) || mimeType !== undefined) {
    const kind = mimeType === undefined ? `the extension of ${name}` : `${name} (${mimeType})`;
    throw new DocumentParseError("unsupported_format", `Unsupported file type: ${kind}. Upload ${SUPPORTED}.`);
  }
  return "txt";
}
