import ExcelJS from "exceljs";
import Papa from "papaparse";
import { DocumentParseError, describeCause } from "./document-parse-error.ts";
import type { TextParts } from "./parse-markdown.ts";

/** Header cells, with blanks and duplicates given distinct names so every value stays labelled. */
function headerNames(cells: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((cell, index) => {
    const base = cell.trim() === "" ? `column ${index + 1}` : cell.trim();
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} (${count})`;
  });
}

/** A row as "column: value" lines; empty cells are left out. */
function rowText(header: readonly string[], cells: readonly string[]): string {
  return cells
    .map((cell, index) => [header[index] ?? `column ${index + 1}`, cell.trim()] as const)
    .filter(([, value]) => value !== "")
    .map(([column, value]) => `${column}: ${value}`)
    .join("\n");
}

/** The first row is the header; one section per data row. */
export function parseCsv(name: string, text: string): TextParts {
  const result = Papa.parse<string[]>(text, { skipEmptyLines: "greedy" });
  const fatal = result.errors.find((error) => error.type === "Quotes");
  if (fatal !== undefined) {
    throw new DocumentParseError(
      "corrupt_document",
      `${name} could not be read as CSV: ${fatal.message} on row ${fatal.row ?? "?"}. Check the quoting and upload it again.`,
    );
  }
  const [headerRow, ...rows] = result.data;
  const header = headerNames(headerRow ?? []);
  const drafts = rows.map((cells) => ({ text: rowText(header, cells) }));
  return { drafts, metadata: { rows: rows.length } };
}

/** One section per worksheet (heading = sheet name); the first non-empty row of each is its header. */
export async function parseXlsx(name: string, bytes: Uint8Array): Promise<TextParts> {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs's declared Buffer type predates Node's generic Buffer; this is a real Node Buffer.
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  } catch (error) {
    throw new DocumentParseError(
      "corrupt_document",
      `${name} could not be read as an Excel workbook: ${describeCause(error)}. Re-save it as .xlsx or export it as CSV.`,
      { cause: error },
    );
  }
  const sheetNames: string[] = [];
  const drafts: TextParts["drafts"] = [];
  let rowCount = 0;
  for (const sheet of workbook.worksheets) {
    sheetNames.push(sheet.name);
    const rows: string[][] = [];
    sheet.eachRow((row) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, column) => {
        cells[column - 1] = cell.text;
      });
      rows.push(Array.from(cells, (cell) => cell ?? ""));
    });
    const [headerRow, ...dataRows] = rows;
    const header = headerNames(headerRow ?? []);
    rowCount += dataRows.length;
    const text = dataRows.map((cells) => rowText(header, cells)).filter((row) => row !== "").join("\n\n");
    drafts.push({ text, heading: [sheet.name] });
  }
  return { drafts, metadata: { sheetNames, rows: rowCount } };
}
