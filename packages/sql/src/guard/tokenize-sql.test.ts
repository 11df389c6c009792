import { describe, expect, it } from "vitest";
import { lexModes, type SqlDialect, type SqlToken, tokenizeSql } from "./tokenize-sql.ts";

function tokens(sql: string, dialect: SqlDialect, modeIndex = 0): Array<[SqlToken["kind"], string]> {
  const mode = lexModes(dialect)[modeIndex];
  if (!mode) throw new Error(`no mode ${modeIndex} for ${dialect}`);
  const result = tokenizeSql(sql, dialect, mode);
  if (!result.ok) throw new Error(result.message);
  return result.tokens.map((token) => [token.kind, token.value]);
}

describe("tokenizeSql reads quotes and comments as the database does", () => {
  it("PostgreSQL: dollar quotes, E-strings, nested comments, comments ending at \\r", () => {
    expect(tokens("SELECT $x$a;$$b$x$, $1", "postgresql")).toEqual([
      ["word", "SELECT"],
      ["string", "a;$$b"],
      ["punct", ","],
      ["word", "$1"],
    ]);
    expect(tokens("SELECT E'a\\'b', 'c\\'", "postgresql")).toEqual([
      ["word", "SELECT"],
      ["word", "E"],
      ["string", "a'b"],
      ["punct", ","],
      ["string", "c\\"],
    ]);
    expect(tokens("SELECT 1 /* a /* b */ c */ x", "postgresql").map(([kind]) => kind)).toEqual(["word", "word", "comment", "word"]);
    expect(tokens("SELECT 1 --a\rx", "postgresql").at(-1)).toEqual(["word", "x"]);
  });

  it("MySQL: -- needs a space, # comments, non-nesting comments, backslash escapes unless NO_BACKSLASH_ESCAPES", () => {
    expect(tokens("SELECT 1--1", "mysql").map(([, value]) => value)).toEqual(["SELECT", "1", "-", "-", "1"]);
    expect(tokens("SELECT 1 -- 1\n# x\n2", "mysql").map(([kind]) => kind)).toEqual(["word", "word", "comment", "comment", "word"]);
    expect(tokens("SELECT 1 /* a /* b */ c", "mysql").at(-1)).toEqual(["word", "c"]);
    expect(tokens(`SELECT 'a\\'b', "c"`, "mysql")).toEqual([
      ["word", "SELECT"],
      ["string", "a'b"],
      ["punct", ","],
      ["string", "c"],
    ]);
    expect(tokens(`SELECT 'a\\', "c"`, "mysql", 3)).toEqual([
      ["word", "SELECT"],
      ["string", "a\\"],
      ["punct", ","],
      ["quoted_identifier", "c"],
    ]);
    const executable = tokenizeSql("SELECT /*!50000 1 */", "mysql", lexModes("mysql")[0] ?? { name: "", singleQuoteBackslash: true, doubleQuoteIsString: true });
    expect(executable.ok && executable.tokens.at(-1)?.commentKind).toBe("executable");
  });

  it("SQLite: brackets and backticks quote identifiers, no backslash escapes, comments end at \\n only", () => {
    expect(tokens("SELECT [a;b], `c``d`, 'e\\' FROM t --x\r;y", "sqlite")).toEqual([
      ["word", "SELECT"],
      ["quoted_identifier", "a;b"],
      ["punct", ","],
      ["quoted_identifier", "c`d"],
      ["punct", ","],
      ["string", "e\\"],
      ["word", "FROM"],
      ["word", "t"],
      ["comment", "--x\r;y"],
    ]);
  });

  it("splits numbers from the words after them, and refuses unterminated quotes and comments", () => {
    expect(tokens("SELECT 1sleep(5)", "mysql").slice(1, 3)).toEqual([
      ["word", "1"],
      ["word", "sleep"],
    ]);
    for (const [sql, dialect] of [
      ["SELECT 'abc", "sqlite"],
      ['SELECT "abc', "postgresql"],
      ["SELECT $$abc", "postgresql"],
      ["SELECT /* abc", "mysql"],
      ["SELECT [abc", "sqlite"],
    ] as const) {
      const mode = lexModes(dialect)[0];
      expect(mode && tokenizeSql(sql, dialect, mode).ok).toBe(false);
    }
  });
});
