import { describe, expect, it } from "vitest";
import { type ResultColumn } from "../connectors/sql-connector.ts";
import { formatResultTable } from "./format-result-table.ts";
import { suggestChart } from "./suggest-chart.ts";

const column = (name: string, type: ResultColumn["type"]): ResultColumn => ({ name, type });

describe("suggestChart", () => {
  it("draws a line over dates, ISO month strings or a year column", () => {
    expect(suggestChart([column("InvoiceDate", "date"), column("total", "number")], [["2021-01-01", 3], ["2021-02-01", 4]])).toEqual({ type: "line", x: "InvoiceDate", y: "total" });
    expect(suggestChart([column("month", "string"), column("sales", "number")], [["2021-01", 3], ["2021-02", 4]])).toEqual({ type: "line", x: "month", y: "sales" });
    expect(suggestChart([column("year", "number"), column("sales", "number")], [[2020, 3], [2021, 4]])).toEqual({ type: "line", x: "year", y: "sales" });
  });

  it("draws a pie for one category and one non-negative number over 2 to 8 rows", () => {
    const rows = [["Rock", 1297], ["Jazz", 130], ["Metal", 374]];
    expect(suggestChart([column("genre", "string"), column("tracks", "number")], rows)).toEqual({ type: "pie", x: "genre", y: "tracks" });
    expect(suggestChart([column("genre", "string"), column("delta", "number")], [["a", -1], ["b", 2]])).toEqual({ type: "bar", x: "genre", y: "delta" });
  });

  it("draws bars for categories beyond a pie and falls back to a table", () => {
    const many = Array.from({ length: 12 }, (_value, index) => [`artist ${index}`, index]);
    expect(suggestChart([column("artist", "string"), column("albums", "number")], many)).toEqual({ type: "bar", x: "artist", y: "albums" });
    const tooMany = Array.from({ length: 51 }, (_value, index) => [`artist ${index}`, index]);
    expect(suggestChart([column("artist", "string"), column("albums", "number")], tooMany)).toEqual({ type: "table" });
    expect(suggestChart([column("count", "number")], [[3503]])).toEqual({ type: "table" });
    expect(suggestChart([column("name", "string"), column("city", "string")], [["a", "b"]])).toEqual({ type: "table" });
    expect(suggestChart([column("a", "number"), column("b", "number")], [[1, 2], [3, 4]])).toEqual({ type: "table" });
    expect(suggestChart([column("genre", "string"), column("tracks", "number")], [])).toEqual({ type: "table" });
  });
});

describe("formatResultTable", () => {
  it("writes a Markdown table with escaped cells and says what was left out", () => {
    const text = formatResultTable([column("name", "string"), column("n", "number")], [["a|b", 1], ["line\nbreak", null], ["c", 3]], { maxRows: 2, truncated: true });
    expect(text).toBe("| name | n |\n| --- | --- |\n| a\\|b | 1 |\n| line break |  |\n(1 more rows not shown; the result was cut at the row cap)");
    expect(formatResultTable([column("x", "number")], [])).toBe("| x |\n| --- |\n(no rows)");
  });
});
