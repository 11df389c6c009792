import { describe, expect, it } from "vitest";
import { guardSql } from "../guard/guard-sql.ts";
import { renderSqlTemplate, sqlLiteral, type SqlTemplateSegment } from "./render-sql-template.ts";

const value = (name: string, item: unknown): SqlTemplateSegment => ({ name, value: item });

describe("sqlLiteral", () => {
  it("writes each kind of value as a literal of the dialect", () => {
    expect(sqlLiteral("O'Brien", "sqlite")).toBe("'O''Brien'");
    expect(sqlLiteral("a\\'b", "sqlite")).toBe("'a\\''b'");
    expect(sqlLiteral("a\\'b", "mysql")).toBe("'a\\\\''b'");
    expect(sqlLiteral("a\\'b", "postgresql")).toBe("E'a\\\\''b'");
    expect(sqlLiteral(-5, "postgresql")).toBe("(-5)");
    expect(sqlLiteral(2.5, "mysql")).toBe("2.5");
    expect(sqlLiteral(Number.NaN, "mysql")).toBe("NULL");
    expect(sqlLiteral(true, "sqlite")).toBe("TRUE");
    expect(sqlLiteral(null, "sqlite")).toBe("NULL");
    expect(sqlLiteral(["Rock", 3], "sqlite")).toBe("'Rock', 3");
    expect(sqlLiteral([], "sqlite")).toBe("NULL");
    expect(sqlLiteral({ a: "'" }, "postgresql")).toBe(`'{"a":"''"}'`);
  });
});

describe("renderSqlTemplate", () => {
  it("puts values in as literals, where a literal can stand", () => {
    const rendered = renderSqlTemplate([{ sql: "SELECT Name FROM Artist WHERE Name = " }, value("start.name", "AC/DC"), { sql: " AND ArtistId IN (" }, value("start.ids", [1, 2]), { sql: ")" }], "sqlite");
    expect(rendered).toEqual({ ok: true, sql: "SELECT Name FROM Artist WHERE Name = 'AC/DC' AND ArtistId IN (1, 2)" });
  });

  it("keeps injections inside the literal, on every dialect, so the guard sees one harmless SELECT", () => {
    const attacks = ["x'; DROP TABLE Track; --", "x\\'; DROP TABLE Track; --", "x' OR '1'='1", "*/ DROP TABLE t /*", "x\\"];
    for (const dialect of ["postgresql", "mysql", "sqlite"] as const) {
      for (const attack of attacks) {
        const rendered = renderSqlTemplate([{ sql: "SELECT 1 AS one FROM t WHERE a = " }, value("start.q", attack)], dialect);
        if (!rendered.ok) throw new Error(rendered.message);
        const guarded = guardSql(rendered.sql, { dialect, maxRows: 10 });
        expect(guarded, `${dialect}: ${rendered.sql}`).toMatchObject({ ok: true, tables: ["t"] });
      }
    }
  });

  it("cannot turn a minus into a comment with a negative number", () => {
    const rendered = renderSqlTemplate([{ sql: "SELECT a -" }, value("start.n", -1), { sql: " FROM t" }], "postgresql");
    expect(rendered).toEqual({ ok: true, sql: "SELECT a -(-1) FROM t" });
  });

  it("refuses a reference inside quotes, a comment, a quoted name or glued to a word", () => {
    const placements = [
      ["SELECT * FROM t WHERE a = '", "'", "inside a quoted string"],
      ["SELECT * FROM t -- ", "\n", "inside a comment"],
      ['SELECT * FROM "', '"', "inside a quoted name"],
      ["SELECT * FROM t WHERE a = x", "", "glued to other text"],
    ] as const;
    for (const [before, after, where] of placements) {
      const rendered = renderSqlTemplate([{ sql: before }, value("start.q", "v"), { sql: after }], "postgresql");
      expect(rendered).toEqual({ ok: false, message: expect.stringContaining(`{{#start.q#}} is ${where}`) as unknown });
    }
    // MySQL: "…" is a string unless ANSI_QUOTES; refused under either reading.
    expect(renderSqlTemplate([{ sql: 'SELECT * FROM t WHERE a = "' }, value("start.q", "v"), { sql: '"' }], "mysql").ok).toBe(false);
  });
});
