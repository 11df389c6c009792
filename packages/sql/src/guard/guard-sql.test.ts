import { describe, expect, it } from "vitest";
import { type GuardResult, guardSql } from "./guard-sql.ts";
import type { SqlDialect } from "./tokenize-sql.ts";

const guard = (dialect: SqlDialect, sql: string, maxRows = 100): GuardResult => guardSql(sql, { dialect, maxRows });

function accepted(dialect: SqlDialect, sql: string, maxRows = 100) {
  const result = guard(dialect, sql, maxRows);
  if (!result.ok) throw new Error(`refused (${result.code}): ${result.message}\n${sql}`);
  return result;
}

describe("guardSql accepts read-only queries", () => {
  it.each<[SqlDialect, string, string, string[]]>([
    ["sqlite", "SELECT count(*) FROM singer", "SELECT count(*) FROM singer\nLIMIT 100", ["singer"]],
    [
      "sqlite",
      "SELECT name FROM stadium EXCEPT SELECT T2.name FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id  =  T2.stadium_id;",
      "SELECT name FROM stadium EXCEPT SELECT T2.name FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id  =  T2.stadium_id\nLIMIT 100",
      ["stadium", "concert"],
    ],
    ["sqlite", "SELECT avg(Attendance) FROM SHOW", "SELECT avg(Attendance) FROM SHOW\nLIMIT 100", ["SHOW"]],
    ["sqlite", "SELECT [first name] FROM [my table] ORDER BY 1 NULLS LAST", "SELECT [first name] FROM [my table] ORDER BY 1 NULLS LAST\nLIMIT 100", ["my table"]],
    ["sqlite", "SELECT * FROM t WHERE a = 'DROP TABLE x; --' AND \"update\" = 1", "SELECT * FROM t WHERE a = 'DROP TABLE x; --' AND \"update\" = 1\nLIMIT 100", ["t"]],
    ["sqlite", "-- the question\nSELECT 1 /* inline; */ FROM t; -- ; DROP TABLE t", "SELECT 1 /* inline; */ FROM t\nLIMIT 100", ["t"]],
    ["sqlite", "SELECT name, sql FROM sqlite_master WHERE type = 'table'", "SELECT name, sql FROM sqlite_master WHERE type = 'table'\nLIMIT 100", ["sqlite_master"]],
    ["sqlite", "SELECT name FROM pragma_table_info('singer')", "SELECT name FROM pragma_table_info('singer')\nLIMIT 100", []],
    [
      "sqlite",
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5) SELECT x FROM c JOIN t ON t.id = c.x",
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5) SELECT x FROM c JOIN t ON t.id = c.x\nLIMIT 100",
      ["t"],
    ],
    ["sqlite", "select 1 --x\r, load_extension('x')", "select 1\nLIMIT 100", []],
    ["postgresql", "SELECT $$a; DROP TABLE x$$ AS s, E'it\\'s' AS t", "SELECT $$a; DROP TABLE x$$ AS s, E'it\\'s' AS t\nLIMIT 100", []],
    ["postgresql", "SELECT a FROM t INTERSECT SELECT b FROM public.u ORDER BY 1", "SELECT a FROM t INTERSECT SELECT b FROM public.u ORDER BY 1\nLIMIT 100", ["t", "public.u"]],
    ["postgresql", "(SELECT 1) UNION (SELECT 2)", "(SELECT 1) UNION (SELECT 2)\nLIMIT 100", []],
    ["postgresql", "SELECT 1 /* /* */ , pg_sleep(5) */", "SELECT 1\nLIMIT 100", []],
    ["postgresql", "SELECT relname::text, upper(x) FROM pg_catalog.pg_class", "SELECT relname::text, upper(x) FROM pg_catalog.pg_class\nLIMIT 100", ["pg_catalog.pg_class"]],
    ["postgresql", "SELECT count(*) FROM show", "SELECT count(*) FROM show\nLIMIT 100", ["show"]],
    ["mysql", "SELECT `order`.id FROM `order` WHERE note = 'it\\'s' # why", "SELECT `order`.id FROM `order` WHERE note = 'it\\'s'\nLIMIT 100", ["order"]],
    ["mysql", 'SELECT name FROM t WHERE path LIKE "C:\\\\%"', 'SELECT name FROM t WHERE path LIKE "C:\\\\%"\nLIMIT 100', ["t"]],
    ["mysql", "SELECT 1--1", "SELECT 1--1\nLIMIT 100", []],
    ["mysql", "SELECT 1 -- 1; DROP TABLE t", "SELECT 1\nLIMIT 100", []],
  ])("%s: %s", (dialect, sql, expected, tables) => {
    const result = accepted(dialect, sql);
    expect(result.sql).toBe(expected);
    expect(result.tables).toEqual(tables);
    expect(result.statementType).toBe("select");
  });
});

describe("guardSql enforces the row limit", () => {
  it.each<[SqlDialect, string, string]>([
    ["sqlite", "SELECT * FROM t LIMIT 5", "SELECT * FROM t LIMIT 5"],
    ["sqlite", "SELECT * FROM t ORDER BY a LIMIT 500;", "SELECT * FROM t ORDER BY a LIMIT 100"],
    ["sqlite", "SELECT * FROM t LIMIT 10, 500", "SELECT * FROM t LIMIT 10, 100"],
    ["mysql", "SELECT a.id, b.id FROM a JOIN b ON a.x = b.x ORDER BY a.id LIMIT 5000000", "SELECT a.id, b.id FROM a JOIN b ON a.x = b.x ORDER BY a.id LIMIT 100"],
    ["postgresql", "SELECT * FROM t LIMIT 500 OFFSET 3", "SELECT * FROM t LIMIT 100 OFFSET 3"],
    ["postgresql", "SELECT * FROM t LIMIT ALL", "SELECT * FROM (\nSELECT * FROM t LIMIT ALL\n) AS tandem_limited\nLIMIT 100"],
    ["postgresql", "SELECT * FROM t OFFSET 5", "SELECT * FROM (\nSELECT * FROM t OFFSET 5\n) AS tandem_limited\nLIMIT 100"],
    ["sqlite", "SELECT * FROM t LIMIT (SELECT 5)", "SELECT * FROM (\nSELECT * FROM t LIMIT (SELECT 5)\n) AS tandem_limited\nLIMIT 100"],
    ["sqlite", "SELECT * FROM (SELECT * FROM t LIMIT 5000) AS s", "SELECT * FROM (SELECT * FROM t LIMIT 5000) AS s\nLIMIT 100"],
  ])("%s: %s", (dialect, sql, expected) => {
    expect(accepted(dialect, sql).sql).toBe(expected);
  });
});

type Refusal = [SqlDialect, string, string];

const refusals: Refusal[] = [
  ["sqlite", "", "empty"],
  ["postgresql", "  -- only a comment", "empty"],
  ["mysql", ";;", "empty"],
  ["sqlite", "SELECT * FROM t WHERE (a = 1", "parse_error"],
  ["postgresql", "SELECT 'abc", "parse_error"],
  ["mysql", "SELECT * FROM t /* open", "parse_error"],
  ["sqlite", "SELECT 1; DROP TABLE x", "not_single_statement"],
  ["postgresql", "SeLeCt 1;/**/drop table x", "not_single_statement"],
  ["mysql", "SELECT 1; SELECT 2", "not_single_statement"],
  ["sqlite", "DROP TABLE x", "not_select"],
  ["mysql", "insert into t select * from u", "not_select"],
  ["postgresql", "UPDATE t SET a = 1", "not_select"],
  ["postgresql", "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "not_select"],
  ["postgresql", "WITH m AS (MERGE INTO t USING u ON true WHEN MATCHED THEN DELETE) SELECT 1", "not_select"],
  ["postgresql", "EXPLAIN ANALYZE DELETE FROM t", "not_select"],
  ["postgresql", "VALUES (1)", "not_select"],
  ["sqlite", "PRAGMA writable_schema=1", "not_select"],
  ["sqlite", "ATTACH DATABASE '/tmp/x' AS y", "not_select"],
  ["postgresql", "COPY t TO PROGRAM 'curl evil'", "not_select"],
  ["postgresql", "SET ROLE postgres", "not_select"],
  ["postgresql", "DO $$ BEGIN PERFORM 1; END $$", "not_select"],
  ["mysql", "CALL p()", "not_select"],
  ["sqlite", "(SELECT 1)", "not_select"],
  ["postgresql", "SELECT * INTO new_t FROM t", "select_into"],
  ["mysql", "SELECT 1 INTO OUTFILE '/tmp/x'", "select_into"],
  ["mysql", "SELECT a FROM t LIMIT 1 INTO @v", "select_into"],
  ["postgresql", "SELECT * FROM t FOR UPDATE", "locking_clause"],
  ["postgresql", "SELECT * FROM t FOR NO KEY UPDATE SKIP LOCKED", "locking_clause"],
  ["mysql", "SELECT * FROM t FOR SHARE", "locking_clause"],
  ["mysql", "SELECT * FROM t LOCK IN SHARE MODE", "locking_clause"],
  ["postgresql", "SELECT pg_sleep(10)", "forbidden_function"],
  ["postgresql", "select PG_READ_FILE('/etc/passwd')", "forbidden_function"],
  ["postgresql", "SELECT * FROM pg_catalog.pg_ls_dir('.')", "forbidden_function"],
  ["postgresql", 'SELECT "pg_catalog"."pg_sleep"(1)', "forbidden_function"],
  ["postgresql", "SELECT (SELECT (SELECT pg_sleep(1)))", "forbidden_function"],
  ["postgresql", "select 1 union select pg_sleep(1)", "forbidden_function"],
  ["postgresql", "SELECT * FROM dblink('host=x', 'DELETE FROM t') AS r(a int)", "forbidden_function"],
  ["postgresql", "SELECT query_to_xml('delete from t returning 1', true, true, '')", "forbidden_function"],
  ["postgresql", "SELECT setval('s', 1), nextval('s')", "forbidden_function"],
  ["postgresql", "SELECT pg_advisory_lock(1)", "forbidden_function"],
  ["postgresql", "SELECT pg_notify('c', 'x')", "forbidden_function"],
  ["postgresql", "SELECT lo_import('/etc/passwd')", "forbidden_function"],
  ["postgresql", "SELECT 'a\\' , pg_sleep(5) -- '", "forbidden_function"],
  ["mysql", "SELECT sleep(5)", "forbidden_function"],
  ["mysql", "SELECT benchmark(1e9, md5('a'))", "forbidden_function"],
  ["mysql", "SELECT load_file('/etc/passwd')", "forbidden_function"],
  ["mysql", "SELECT sleep/**/(5)", "forbidden_function"],
  ["mysql", "SELECT SLEEP (5)", "forbidden_function"],
  ["mysql", "SELECT 'a\\' , sleep(5) -- '", "forbidden_function"],
  ["mysql", "SELECT 1 /* /* */ , sleep(5) -- */", "forbidden_function"],
  ["mysql", "SELECT ſleep(5)", "forbidden_function"],
  ["mysql", "SELECT get_lock('x', 10)", "forbidden_function"],
  ["sqlite", "select load_extension('x')", "forbidden_function"],
  ["sqlite", "SELECT writefile('/tmp/x', 'y')", "forbidden_function"],
  ["sqlite", "SELECT 1pg_sleep(1)", "forbidden_function"],
  ["postgresql", "SELECT usename, passwd FROM pg_shadow", "forbidden_table"],
  ["postgresql", 'SELECT * FROM pg_catalog."pg_authid"', "forbidden_table"],
  ["mysql", "SELECT user, authentication_string FROM mysql.user", "forbidden_table"],
  ["mysql", "SELECT * FROM `mysql`.`user`", "forbidden_table"],
  ["mysql", "SELECT info FROM information_schema.processlist", "forbidden_table"],
  ["sqlite", "SELECT * FROM sqlite_dbpage", "forbidden_table"],
  ["postgresql", 'SELECT U&"pg\\005fsleep"(5)', "forbidden_syntax"],
  ["mysql", "/*!50000 DROP TABLE x*/ SELECT 1", "forbidden_syntax"],
  ["mysql", "SELECT /*!32302 1 UNION SELECT sleep(5) */ 1", "forbidden_syntax"],
  ["mysql", "SELECT /*+ MAX_EXECUTION_TIME(0) */ * FROM t", "forbidden_syntax"],
  ["mysql", "SELECT @a := 1", "forbidden_syntax"],
  ["sqlite", "SELECT 1\0", "invalid_character"],
  ["postgresql", "SELECT\u00a0pg_sleep(1)", "invalid_character"],
  ["mysql", "SELECT\u200b1", "invalid_character"],
  ["sqlite", "SELECT 1\u0007", "invalid_character"],
];

describe("guardSql refuses", () => {
  it.each(refusals)("%s: %s → %s", (dialect, sql, code) => {
    const result = guard(dialect, sql);
    expect(result.ok ? "accepted" : result.code).toBe(code);
    if (!result.ok) expect(result.message.length).toBeGreaterThan(20);
  });

  it("SQL longer than maxLength, before parsing it", () => {
    const sql = `SELECT ${"1 + ".repeat(30_000)}1`;
    const result = guardSql(sql, { dialect: "postgresql", maxRows: 10 });
    expect(result.ok ? "accepted" : result.code).toBe("too_long");
    expect(guardSql("SELECT 1 + 1", { dialect: "postgresql", maxRows: 10, maxLength: 5 }).ok).toBe(false);
  });

  it("parse errors with the parser's message and where it stopped", () => {
    const result = guard("sqlite", "SELECT a FROM t WHERE");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/^The SQL does not parse as SQLite.*Expected/);
  });

  it("names the forbidden function and what to do", () => {
    const result = guard("postgresql", "SELECT id FROM t WHERE pg_catalog.pg_sleep(2) IS NOT NULL");
    expect(result).toEqual({ ok: false, code: "forbidden_function", message: expect.stringMatching(/pg_sleep\(\) is not allowed: it sleeps on purpose/) as string });
  });

  it("rejects options that make no sense", () => {
    expect(() => guardSql("SELECT 1", { dialect: "sqlite", maxRows: 0 })).toThrow();
    // A wrong dialect, as an untyped caller could pass it.
    expect(() => guardSql("SELECT 1", { dialect: "oracle" as SqlDialect, maxRows: 1 })).toThrow();
  });
});
