import { copyFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardSql } from "./guard-sql.ts";
import { SQLITE_READ_ONLY_OPEN_OPTIONS } from "./read-only-session.ts";
import { createSqliteReadOnlyExecutor, type SqliteReadOnlyExecutor } from "./run-sqlite-read-only.ts";
import { isSqlGuardError } from "./sql-guard-error.ts";

const CHINOOK = path.resolve(import.meta.dirname, "../../../../../shared/data/sample-dbs/chinook/Chinook_Sqlite.sqlite");

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    return isSqlGuardError(error) ? error.code : `other: ${error instanceof Error ? error.message : String(error)}`;
  }
}

describe("guarded SQL on a real SQLite file (Chinook)", () => {
  let directory = "";
  let file = "";
  let executor: SqliteReadOnlyExecutor;
  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), "tandem-guard-"));
    file = path.join(directory, "chinook.sqlite");
    copyFileSync(CHINOOK, file);
    executor = createSqliteReadOnlyExecutor({ file, timeoutMs: 5000, maxRows: 1000 });
  });
  afterAll(async () => {
    await executor.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("runs what the guard returns, with its row limit, and the same rows as a direct query", async () => {
    const sql = "SELECT a.Name, count(*) AS albums FROM Artist a JOIN Album b ON b.ArtistId = a.ArtistId GROUP BY a.ArtistId ORDER BY albums DESC, a.Name;";
    const guarded = guardSql(sql, { dialect: "sqlite", maxRows: 5 });
    if (!guarded.ok) throw new Error(guarded.message);
    expect(guarded.tables).toEqual(["Artist", "Album"]);
    const result = await executor.query(guarded.sql);
    expect(result.columns).toEqual(["Name", "albums"]);
    expect(result.rows[0]).toEqual(["Iron Maiden", 21]);

    const direct = new Database(file, SQLITE_READ_ONLY_OPEN_OPTIONS);
    try {
      expect(result.rows).toEqual(direct.prepare(sql).raw(true).all().slice(0, 5));
    } finally {
      direct.close();
    }
  });

  it("still refuses writes that got past the guard: the connection is read-only", async () => {
    const before = statSync(file).mtimeMs;
    // The executor's own check: SQLite does not call these read-only readers.
    for (const sql of ["DELETE FROM Artist", "INSERT INTO Genre (Name) VALUES ('x')", "PRAGMA writable_schema = 1", "ATTACH DATABASE ':memory:' AS other"]) {
      expect(guardSql(sql, { dialect: "sqlite", maxRows: 10 }).ok).toBe(false);
      expect(await codeOf(executor.query(sql))).toBe("write_refused");
    }
    // And beneath it, the connection: opened read-only, SQLite itself refuses the write.
    const direct = new Database(file, SQLITE_READ_ONLY_OPEN_OPTIONS);
    try {
      expect(() => direct.exec("DELETE FROM Artist")).toThrow(/readonly/);
      expect(() => direct.exec("CREATE TABLE probe (x)")).toThrow(/readonly/);
      expect(direct.prepare("SELECT count(*) AS n FROM Artist").get()).toEqual({ n: 275 });
    } finally {
      direct.close();
    }
    expect(() => new Database(path.join(directory, "missing.sqlite"), SQLITE_READ_ONLY_OPEN_OPTIONS)).toThrow();
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it("stops a statement that passes the guard but never ends, then serves the next query", async () => {
    const guarded = guardSql("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", { dialect: "sqlite", maxRows: 10 });
    if (!guarded.ok) throw new Error(guarded.message);
    const started = Date.now();
    expect(await codeOf(executor.query(guarded.sql, { timeoutMs: 300 }))).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(3000);
    const next = await executor.query("SELECT count(*) FROM Track");
    expect(next.rows).toEqual([[3503]]);
  });

  it("caps rows and reports SQLite's own errors", async () => {
    const capped = await executor.query("SELECT TrackId FROM Track ORDER BY TrackId", { maxRows: 2 });
    expect(capped).toEqual({ columns: ["TrackId"], rows: [[1], [2]], truncated: true });
    await expect(executor.query("SELECT * FROM nope")).rejects.toMatchObject({ name: "SqliteExecutionError", code: "SQLITE_ERROR" });
  });
});
