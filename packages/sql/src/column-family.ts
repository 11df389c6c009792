import { z } from "zod";

/** The SQL dialects Tandem speaks: direct connectors use their own, an HTTP SQL API declares one. */
export const sqlDialectSchema = z.enum(["postgresql", "mysql", "sqlite"]);
export type SqlDialect = z.infer<typeof sqlDialectSchema>;

/**
 * The family of a column's values as they come out of a connector, whatever the driver's own type:
 * what the result table, charts and the model need to know. `null` is for a result column whose type is
 * unknown and whose values are all NULL.
 */
export const columnFamilySchema = z.enum(["string", "number", "boolean", "date", "json", "binary", "null"]);
export type ColumnFamily = z.infer<typeof columnFamilySchema>;

const numberTypes = /^(tiny|small|medium|big)?int(eger)?\d?$|^(small|big)?serial\d?$|^(real|float\d?|double( precision)?|numeric|decimal|dec|number|money|fixed|year|oid)$/;
/** Dates and instants; a time of day alone (`time`) stays a string, it is not a point in time. */
const dateTypes = /^(date|datetime\d?|timestamp( with(out)? time zone)?|timestamptz)$/;
const binaryTypes = /^(bytea|(tiny|medium|long)?blob|(var)?binary|bit varying|varbit)$/;

/**
 * Maps a declared column type (`character varying(40)`, `NUMERIC(10,2)`, `int unsigned`, `DATETIME`) to
 * its family. SQLite declared types follow SQLite's affinity rules, with DATE/TIME names read as dates,
 * because that is what they hold in practice.
 */
export function familyOfType(dialect: SqlDialect, declaredType: string): ColumnFamily {
  const type = declaredType
    .toLowerCase()
    .replace(/\(.*?\)/g, "")
    .replace(/\b(unsigned|signed|zerofill)\b/g, "")
    .replace(/\[\]$/, "")
    .replace(/\s+/g, " ")
    .trim();
  if (declaredType.trim().endsWith("[]")) return "json";
  if (dialect === "sqlite") {
    if (/date|timestamp/.test(type) || type === "datetime") return "date";
    if (/int/.test(type)) return "number";
    if (/char|clob|text/.test(type)) return "string";
    if (type === "" || /blob/.test(type)) return type === "" ? "string" : "binary";
    if (/real|floa|doub|numeric|decimal|number/.test(type)) return "number";
    if (/bool/.test(type)) return "boolean";
    if (/json/.test(type)) return "json";
    return "string";
  }
  if (type === "bool" || type === "boolean" || (dialect === "mysql" && declaredType.toLowerCase().replace(/\s/g, "") === "tinyint(1)")) return "boolean";
  if (numberTypes.test(type)) return "number";
  if (dateTypes.test(type)) return "date";
  if (type === "json" || type === "jsonb") return "json";
  if (binaryTypes.test(type)) return "binary";
  if (dialect === "mysql" && type === "bit") return "binary";
  return "string";
}
