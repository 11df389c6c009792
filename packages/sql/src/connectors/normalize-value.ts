import { type ColumnFamily } from "../column-family.ts";

/** Most significant digits a decimal may have and still be returned as a JavaScript number exactly. */
const maxExactDigits = 15;

function significantDigits(decimal: string): number {
  const digits = decimal.replace(/^[+-]/, "").replace(/[eE].*$/, "");
  const [whole = "", fraction = ""] = digits.split(".");
  return (whole.replace(/^0+/, "") + fraction.replace(/0+$/, "")).replace(/^0+/, "").length;
}

/**
 * A number from a driver: integers and decimals become JavaScript numbers when that is exact (safe
 * integers, decimals of up to 15 significant digits) and strings otherwise, with the same rule for every
 * connector, so `NUMERIC(10,2)` gives `3.98` on PostgreSQL, MariaDB and SQLite alike and a 30-digit
 * decimal keeps all of its digits.
 */
export function normalizeNumber(value: bigint | number | string): number | string {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  const text = value.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return text;
  if (!/[.eE]/.test(text)) {
    const integer = BigInt(text);
    return integer >= BigInt(Number.MIN_SAFE_INTEGER) && integer <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(integer) : text;
  }
  return significantDigits(text) <= maxExactDigits ? Number(text) : text;
}

const naiveTimestamp = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;
const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A date or timestamp as an ISO 8601 string. A date stays `YYYY-MM-DD`; a timestamp without a zone
 * becomes `YYYY-MM-DDTHH:MM:SS[.fff]` with no zone invented; one with a zone (or a `Date`) becomes UTC
 * with `Z`. Text that is not a date is returned as it is (SQLite stores whatever it was given).
 */
export function normalizeDate(value: string | Date): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  const text = value.trim();
  if (dateOnly.test(text)) return text;
  const naive = naiveTimestamp.exec(text);
  if (naive !== null) return `${naive[1]}T${naive[2]}`;
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(text) && /(Z|[+-]\d{2}(:?\d{2})?)$/.test(text)) {
    const parsed = new Date(text.replace(" ", "T").replace(/([+-]\d{2})$/, "$1:00"));
    if (!Number.isNaN(parsed.getTime())) return parsed.toISOString();
  }
  return text;
}

/**
 * One driver value as Tandem returns it: JSON-safe, the same across connectors. Binary values become
 * base64 strings; BigInt and decimals follow `normalizeNumber`; dates follow `normalizeDate`.
 */
export function normalizeValue(value: unknown, family: ColumnFamily): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return normalizeNumber(value);
  if (value instanceof Date) return normalizeDate(value);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  switch (family) {
    case "number":
      return typeof value === "string" ? normalizeNumber(value) : value;
    case "date":
      return typeof value === "string" ? normalizeDate(value) : value;
    case "boolean":
      if (typeof value === "number") return value !== 0;
      if (typeof value === "string" && /^(t|true|f|false)$/i.test(value)) return /^t/i.test(value);
      return value;
    case "json":
      if (typeof value === "string") {
        try {
          return JSON.parse(value) as unknown;
        } catch {
          return value;
        }
      }
      return value;
    default:
      return value;
  }
}

const dateLike = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;

/**
 * The family of a result column with no declared type (a SQLite expression, an HTTP API that sends no
 * types), from its values: the first non-null one decides, except that text which is a date or a
 * timestamp in every one of the first 50 non-null values makes a date column (SQLite's `min(InvoiceDate)`).
 */
export function inferFamily(rows: readonly unknown[][], index: number): ColumnFamily {
  const values: unknown[] = [];
  for (const row of rows) {
    const value = row[index];
    if (value !== null && value !== undefined) values.push(value);
    if (values.length >= 50) break;
  }
  const family = familyOfValue(values[0]);
  if (family === "string" && values.every((value) => typeof value === "string" && dateLike.test(value))) return "date";
  return family;
}

/** The family of one value. */
export function familyOfValue(value: unknown): ColumnFamily {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number" || typeof value === "bigint") return "number";
  if (typeof value === "boolean") return "boolean";
  if (value instanceof Date) return "date";
  if (value instanceof Uint8Array) return "binary";
  if (typeof value === "object") return "json";
  return "string";
}
