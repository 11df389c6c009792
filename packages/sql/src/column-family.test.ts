import { describe, expect, it } from "vitest";
import { familyOfType } from "./column-family.ts";

describe("familyOfType", () => {
  it("maps declared types of each dialect to families", () => {
    const postgres = ["integer", "bigint", "numeric(10,2)", "double precision", "boolean", "timestamp without time zone", "date", "time without time zone", "jsonb", "bytea", "character varying(40)", "uuid", "integer[]"];
    expect(postgres.map((type) => familyOfType("postgresql", type))).toEqual(["number", "number", "number", "number", "boolean", "date", "date", "string", "json", "binary", "string", "string", "json"]);
    const mysql = ["int(11)", "tinyint(1)", "decimal(10,2)", "datetime", "varchar(70)", "longblob", "json", "int unsigned", "year"];
    expect(mysql.map((type) => familyOfType("mysql", type))).toEqual(["number", "boolean", "number", "date", "string", "binary", "json", "number", "number"]);
    const sqlite = ["INTEGER", "NVARCHAR(40)", "NUMERIC(10,2)", "DATETIME", "BLOB", "", "REAL", "BOOLEAN"];
    expect(sqlite.map((type) => familyOfType("sqlite", type))).toEqual(["number", "string", "number", "date", "binary", "string", "number", "boolean"]);
  });
});
