import { describe, expect, it } from "vitest";
import { httpApiSourceConfigSchema } from "../sources/data-source-config.ts";
import { readHttpApiAnswer } from "./http-api-connector.ts";

const config = (responsePaths: { rows: string; columns?: string; error?: string }) =>
  httpApiSourceConfigSchema.parse({ kind: "http_api", url: "https://sql.example/run", responsePaths, dialect: "postgresql" });

describe("readHttpApiAnswer", () => {
  it("reads arrays with typed columns", () => {
    const result = readHttpApiAnswer(config({ rows: "$.rows", columns: "$.columns" }), {
      columns: [
        { name: "id", type: "bigint" },
        { name: "at", type: "timestamp" },
      ],
      rows: [["9007199254740993", "2024-05-01 10:00:00"]],
    });
    expect(result).toEqual({
      columns: [
        { name: "id", type: "number", databaseType: "bigint" },
        { name: "at", type: "date", databaseType: "timestamp" },
      ],
      rows: [["9007199254740993", "2024-05-01T10:00:00"]],
    });
  });

  it("reads objects, taking the columns from their keys, and names the columns of bare arrays", () => {
    expect(readHttpApiAnswer(config({ rows: "$" }), [{ a: 1, b: "x" }, { b: "y", c: true }])).toEqual({
      columns: [
        { name: "a", type: "number" },
        { name: "b", type: "string" },
        { name: "c", type: "boolean" },
      ],
      rows: [
        [1, "x", null],
        [null, "y", true],
      ],
    });
    expect(readHttpApiAnswer(config({ rows: "$.r" }), { r: [[1, "a"]] }).columns.map((column) => column.name)).toEqual(["column_1", "column_2"]);
  });

  it("raises the remote error found at the error path, and bad_response for shapes that do not fit", () => {
    const paths = config({ rows: "$.data.rows", columns: "$.data.columns", error: "$.error" });
    expect(() => readHttpApiAnswer(paths, { data: null, error: { message: 'relation "x" does not exist' } })).toThrow(/relation "x" does not exist/);
    expect(() => readHttpApiAnswer(paths, { data: { rows: [], columns: [] }, error: null })).not.toThrow();
    expect(() => readHttpApiAnswer(paths, { data: { rows: {}, columns: [] } })).toThrow(/not a list of rows/);
    expect(() => readHttpApiAnswer(paths, { data: { rows: [[1, 2]], columns: ["a"] } })).toThrow(/2 values for 1 columns/);
    expect(() => readHttpApiAnswer(paths, { data: { rows: [[1], { a: 1 }], columns: ["a"] } })).toThrow(/all be arrays or all be objects/);
    expect(() => readHttpApiAnswer(paths, { data: { rows: [], columns: [1] } })).toThrow(/must be a name or an object/);
  });
});
