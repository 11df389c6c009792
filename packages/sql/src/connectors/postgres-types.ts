import pg from "pg";
import { type ColumnFamily } from "../column-family.ts";

/** Types whose text is kept as it is, then normalised once for every connector (no `Date` in local time, no lost digits). */
const rawTextTypes = new Set([20, 1082, 1114, 1184, 1700]);

/** node-postgres type parsers for a Tandem pool: the defaults, except that the types above come back as text. */
export const postgresTypeParsers: pg.CustomTypesConfig = {
  // The overloads of getTypeParser differ only in the format argument; this function serves both.
  getTypeParser: ((oid: number, format?: "text" | "binary"): ((value: string) => unknown) =>
    rawTextTypes.has(oid) ? (value: string) => value : (pg.types.getTypeParser(oid, format) as (value: string) => unknown)) as typeof pg.types.getTypeParser,
};

const families: ReadonlyMap<number, readonly [string, ColumnFamily]> = new Map([
  [16, ["bool", "boolean"]],
  [17, ["bytea", "binary"]],
  [18, ["char", "string"]],
  [19, ["name", "string"]],
  [20, ["int8", "number"]],
  [21, ["int2", "number"]],
  [23, ["int4", "number"]],
  [25, ["text", "string"]],
  [26, ["oid", "number"]],
  [114, ["json", "json"]],
  [700, ["float4", "number"]],
  [701, ["float8", "number"]],
  [790, ["money", "string"]],
  [1042, ["bpchar", "string"]],
  [1043, ["varchar", "string"]],
  [1082, ["date", "date"]],
  [1083, ["time", "string"]],
  [1114, ["timestamp", "date"]],
  [1184, ["timestamptz", "date"]],
  [1186, ["interval", "string"]],
  [1266, ["timetz", "string"]],
  [1700, ["numeric", "number"]],
  [2950, ["uuid", "string"]],
  [3802, ["jsonb", "json"]],
]);

/** The family and type name of a result column from its type OID; unknown types (arrays, enums) by their values. */
export function postgresColumnType(oid: number): { family: ColumnFamily | undefined; databaseType: string } {
  const known = families.get(oid);
  return known === undefined ? { family: undefined, databaseType: `oid:${oid}` } : { family: known[1], databaseType: known[0] };
}
