import { type ColumnFamily } from "../column-family.ts";

/** MySQL protocol column types (`FieldPacket.columnType`) by number, with their families. */
const types: ReadonlyMap<number, readonly [string, ColumnFamily]> = new Map([
  [0, ["DECIMAL", "number"]],
  [1, ["TINYINT", "number"]],
  [2, ["SMALLINT", "number"]],
  [3, ["INT", "number"]],
  [4, ["FLOAT", "number"]],
  [5, ["DOUBLE", "number"]],
  [6, ["NULL", "null"]],
  [7, ["TIMESTAMP", "date"]],
  [8, ["BIGINT", "number"]],
  [9, ["MEDIUMINT", "number"]],
  [10, ["DATE", "date"]],
  [11, ["TIME", "string"]],
  [12, ["DATETIME", "date"]],
  [13, ["YEAR", "number"]],
  [14, ["DATE", "date"]],
  [15, ["VARCHAR", "string"]],
  [16, ["BIT", "binary"]],
  [245, ["JSON", "json"]],
  [246, ["DECIMAL", "number"]],
  [247, ["ENUM", "string"]],
  [248, ["SET", "string"]],
  [249, ["TINYBLOB", "binary"]],
  [250, ["MEDIUMBLOB", "binary"]],
  [251, ["LONGBLOB", "binary"]],
  [252, ["BLOB", "binary"]],
  [253, ["VARCHAR", "string"]],
  [254, ["CHAR", "string"]],
  [255, ["GEOMETRY", "binary"]],
]);

/** The `binary` character set: a BLOB/VARCHAR column in it holds bytes, in any other it holds text. */
const binaryCharset = 63;

/** The family and type name of a result column from its protocol type and character set. */
export function mysqlColumnType(columnType: number | undefined, characterSet: number | undefined): { family: ColumnFamily | undefined; databaseType: string } {
  const known = columnType === undefined ? undefined : types.get(columnType);
  if (known === undefined) return { family: undefined, databaseType: `type:${columnType ?? "?"}` };
  const [name, family] = known;
  // TEXT columns travel as BLOB types with a text character set; VARBINARY as VARCHAR with `binary`.
  if (family === "binary" && columnType !== 16 && columnType !== 255 && characterSet !== binaryCharset) return { family: "string", databaseType: name.replace("BLOB", "TEXT") };
  if (family === "string" && characterSet === binaryCharset && (columnType === 253 || columnType === 254)) return { family: "binary", databaseType: columnType === 253 ? "VARBINARY" : "BINARY" };
  return { family, databaseType: name };
}
