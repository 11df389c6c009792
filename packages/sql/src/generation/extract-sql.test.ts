import { describe, expect, it } from "vitest";
import { extractSql } from "./extract-sql.ts";

const fence = "```";

describe("extractSql", () => {
  const cases: Array<[string, string, string | null]> = [
    ["a bare statement", "SELECT Name FROM Artist", "SELECT Name FROM Artist"],
    ["a trailing semicolon", "SELECT Name FROM Artist;", "SELECT Name FROM Artist"],
    ["a sql fence", `${fence}sql\nSELECT Name\nFROM Artist;\n${fence}`, "SELECT Name\nFROM Artist"],
    ["an upper-case SQL fence with prose around", `Here is the query:\n\n${fence}SQL\nSELECT COUNT(*) FROM Track\n${fence}\n\nThis counts every track.`, "SELECT COUNT(*) FROM Track"],
    ["a plain fence", `${fence}\nSELECT 1\n${fence}`, "SELECT 1"],
    ["a plain fence whose first line says sql", `${fence}\nsql\nSELECT Title FROM Album\n${fence}`, "SELECT Title FROM Album"],
    ["an unterminated fence (the answer was cut)", `${fence}sql\nSELECT Title FROM Album ORDER BY Title`, "SELECT Title FROM Album ORDER BY Title"],
    ["tildes", "~~~sql\nSELECT 2\n~~~", "SELECT 2"],
    ["an SQL: prefix", "SQL: SELECT Name FROM Genre", "SELECT Name FROM Genre"],
    ["an SQL query: prefix over two lines", "SQL query:\nSELECT Name\nFROM Genre\nWHERE GenreId = 1", "SELECT Name\nFROM Genre\nWHERE GenreId = 1"],
    ["inline backticks", "The answer is `SELECT Name FROM Genre` which lists genres.", "SELECT Name FROM Genre"],
    ["a think block first", `<think>The user wants SELECT * FROM x? No, artists.</think>\n${fence}sql\nSELECT Name FROM Artist\n${fence}`, "SELECT Name FROM Artist"],
    ["a think block with a fence inside", `<think>\n${fence}sql\nSELECT wrong FROM nowhere\n${fence}\n</think>\nSELECT Name FROM Artist;`, "SELECT Name FROM Artist"],
    ["a closing think tag only", `I should count the rows. Maybe SELECT 0?</think>\n\nSELECT COUNT(*) FROM Invoice`, "SELECT COUNT(*) FROM Invoice"],
    ["an unclosed think block holding the only SQL", `<think>\nLet me write it.\nSELECT COUNT(*) FROM Invoice;`, "SELECT COUNT(*) FROM Invoice"],
    ["trailing prose on the next line", "SELECT Name FROM Artist LIMIT 5\nThis query returns five artists.", "SELECT Name FROM Artist LIMIT 5"],
    ["trailing prose after a blank line", "SELECT Name FROM Artist\n\nExplanation: it selects names.", "SELECT Name FROM Artist"],
    [
      "a CTE",
      `${fence}sql\nWITH totals AS (\n  SELECT CustomerId, SUM(Total) AS spent FROM Invoice GROUP BY CustomerId\n)\nSELECT * FROM totals ORDER BY spent DESC LIMIT 3;\n${fence}`,
      "WITH totals AS (\n  SELECT CustomerId, SUM(Total) AS spent FROM Invoice GROUP BY CustomerId\n)\nSELECT * FROM totals ORDER BY spent DESC LIMIT 3",
    ],
    ["a recursive CTE with a column list", "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) SELECT x FROM n", "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) SELECT x FROM n"],
    ["the word 'with' in prose before the statement", "Here is the query with a join:\nSELECT a.Title FROM Album a JOIN Artist r ON r.ArtistId = a.ArtistId", "SELECT a.Title FROM Album a JOIN Artist r ON r.ArtistId = a.ArtistId"],
    ["two fences: the last complete one wins", `First try:\n${fence}sql\nSELECT Nme FROM Artist\n${fence}\nCorrected:\n${fence}sql\nSELECT Name FROM Artist\n${fence}`, "SELECT Name FROM Artist"],
    ["two fences, the last one cut off", `${fence}sql\nSELECT Name FROM Artist\n${fence}\n${fence}sql\nSELECT Name FROM Artist WHERE (`, "SELECT Name FROM Artist"],
    ["a semicolon inside a string", "SELECT Name FROM Artist WHERE Name = 'AC;DC';", "SELECT Name FROM Artist WHERE Name = 'AC;DC'"],
    ["a blank line inside a string", "SELECT 'a\n\nThis is not prose' AS x", "SELECT 'a\n\nThis is not prose' AS x"],
    ["a quoted identifier with a doubled quote", 'SELECT "a""b" FROM t', 'SELECT "a""b" FROM t'],
    ["lowercase SQL on its own line", "select name from artist order by name", "select name from artist order by name"],
    ["lowercase 'select' inside prose is not SQL", "We select the best artists for you.", null],
    ["nothing like SQL", "I cannot answer that question from this schema.", null],
    ["an empty answer", "", null],
    ["a python fence and a sql fence", `${fence}python\nprint(1)\n${fence}\n${fence}sql\nSELECT 3\n${fence}`, "SELECT 3"],
    ["CRLF line ends", "```sql\r\nSELECT Name\r\nFROM Artist\r\n```", "SELECT Name\nFROM Artist"],
    ["two statements: the last", "SELECT 1; SELECT 2", "SELECT 2"],
    ["no SELECT but a DELETE: returned for the guard to refuse", 'DELETE FROM "Track"', 'DELETE FROM "Track"'],
    ["a DELETE in a fence", `${fence}sql\nDELETE FROM "Track"\n${fence}`, 'DELETE FROM "Track"'],
    ["a DROP in a fence", `Sure!\n${fence}sql\nDROP TABLE Track;\n${fence}`, "DROP TABLE Track"],
    ["a line comment inside", "SELECT Name -- the artist's name; really\nFROM Artist", "SELECT Name -- the artist's name; really\nFROM Artist"],
  ];
  it.each(cases)("%s", (_name, text, expected) => {
    expect(extractSql(text)).toBe(expected);
  });
});
