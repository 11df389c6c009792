import { describe, expect, it } from "vitest";
import { checkAst } from "./check-ast.ts";
import { splitStatements } from "./check-tokens.ts";
import { parseStatement, renderForGrammar } from "./parse-statement.ts";
import { lexModes, type SqlDialect, tokenizeSql } from "./tokenize-sql.ts";

/** The parser layer alone, without the token checks in front of it: the second line of defence. */
function astVerdict(dialect: SqlDialect, sql: string): string {
  const mode = lexModes(dialect)[0];
  if (!mode) throw new Error("no mode");
  const lexed = tokenizeSql(sql, dialect, mode);
  if (!lexed.ok) throw new Error(lexed.message);
  const parsed = parseStatement(splitStatements(lexed.tokens)[0] ?? [], dialect);
  if ("ok" in parsed) return parsed.code;
  const checked = checkAst(parsed, dialect);
  return "ok" in checked ? checked.code : `tables: ${checked.tables.join(",")}`;
}

describe("checkAst, on its own, refuses", () => {
  it.each<[SqlDialect, string, string]>([
    ["postgresql", "SELECT * INTO new_t FROM t", "select_into"],
    ["mysql", "SELECT 1 INTO OUTFILE '/tmp/x'", "select_into"],
    ["mysql", "SELECT * FROM t FOR UPDATE", "locking_clause"],
    ["mysql", "SELECT * FROM t LOCK IN SHARE MODE", "locking_clause"],
    ["sqlite", "SELECT * FROM t LIMIT 5 FOR UPDATE", "locking_clause"],
    ["mysql", "SELECT @a := 1", "forbidden_syntax"],
    ["postgresql", "SELECT (SELECT (SELECT pg_catalog.pg_sleep(1)))", "forbidden_function"],
    ["postgresql", 'SELECT "pg_sleep"(1)', "forbidden_function"],
    ["mysql", "SELECT a FROM t WHERE b IN (SELECT sleep(1) FROM u)", "forbidden_function"],
    ["sqlite", "WITH c AS (SELECT load_extension('x')) SELECT * FROM c", "forbidden_function"],
    ["postgresql", "SELECT 1 UNION SELECT count(*) FROM pg_shadow", "forbidden_table"],
    ["mysql", "SELECT * FROM t JOIN mysql.user u ON true", "forbidden_table"],
    ["sqlite", "ATTACH DATABASE '/tmp/x' AS y", "not_select"],
    ["mysql", "DELETE FROM t", "not_select"],
    ["postgresql", "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "parse_error"],
  ])("%s: %s → %s", (dialect, sql, expected) => {
    expect(astVerdict(dialect, sql)).toBe(expected);
  });

  it("lists the tables read, without CTE names", () => {
    expect(astVerdict("sqlite", "WITH c AS (SELECT * FROM a) SELECT * FROM c JOIN main.b ON 1 WHERE x IN (SELECT y FROM d)")).toBe(
      "tables: a,d,main.b",
    );
  });
});

describe("renderForGrammar", () => {
  it("gives the parser the database's tokens in one quoting style, comments dropped", () => {
    const mode = lexModes("sqlite")[0];
    const lexed = mode && tokenizeSql("SELECT [a b], \"c\" FROM show /* x */ WHERE d = 'it''s' EXCEPT SELECT 1 ORDER BY 1 NULLS LAST", "sqlite", mode);
    if (!lexed || !lexed.ok) throw new Error("lexing failed");
    const statement = splitStatements(lexed.tokens)[0] ?? [];
    expect(renderForGrammar(statement, "sqlite", "sqlite")).toBe("SELECT `a b`, `c` FROM `show` WHERE d = 'it''s' UNION SELECT 1 ORDER BY 1");
    expect(renderForGrammar(statement, "sqlite", "postgresql")).toBe(
      'SELECT "a b", "c" FROM "show" WHERE d = \'it\'\'s\' EXCEPT SELECT 1 ORDER BY 1 NULLS LAST',
    );
  });
});
