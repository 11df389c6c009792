import { fork, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CHINOOK = path.resolve(import.meta.dirname, "../../../../../shared/data/sample-dbs/chinook/Chinook_Sqlite.sqlite");
const processFile = fileURLToPath(new URL("./sqlite-process.mjs", import.meta.url));

type Reply = { id: number; ok: true; rows: unknown[][] } | { id: number; ok: false; message: string; code?: string };

/**
 * The SQLite connector's child process on its own, sent statements the guard would refuse: the layer
 * beneath the guard must refuse them too (read-only open, query_only, SQLite's own read-only verdict).
 */
describe("the SQLite process behind the guard", () => {
  let directory = "";
  let file = "";
  let child: ChildProcess;
  let nextId = 1;
  const send = (sql: string) =>
    new Promise<Reply>((resolve) => {
      const id = nextId++;
      const onMessage = (message: Reply) => {
        if (message.id !== id) return;
        child.off("message", onMessage);
        resolve(message);
      };
      child.on("message", onMessage);
      child.send({ id, sql, maxRows: 10 });
    });

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), "tandem-sqlite-process-"));
    file = path.join(directory, "chinook.sqlite");
    copyFileSync(CHINOOK, file);
    const { NODE_OPTIONS: _loaders, ...env } = process.env;
    child = fork(processFile, [file], { serialization: "advanced", stdio: ["ignore", "ignore", "inherit", "ipc"], execArgv: [], env });
    await new Promise<void>((resolve, reject) =>
      child.once("message", (message: { type: string; message?: string }) => (message.type === "ready" ? resolve() : reject(new Error(message.message)))),
    );
  });
  afterAll(() => {
    child.kill("SIGKILL");
    rmSync(directory, { recursive: true, force: true });
  });

  it("refuses every statement that is not a read-only reader, and the file is untouched", async () => {
    const before = statSync(file).mtimeMs;
    for (const sql of [
      "DELETE FROM Artist",
      "INSERT INTO Genre (Name) VALUES ('x')",
      "CREATE TABLE probe (x)",
      "PRAGMA writable_schema = 1",
      "ATTACH DATABASE ':memory:' AS other",
      "WITH gone AS (SELECT 1) DELETE FROM Track WHERE TrackId IN (SELECT * FROM gone)",
    ]) {
      const reply = await send(sql);
      expect(reply, sql).toMatchObject({ ok: false });
    }
    expect(await send("SELECT count(*) FROM Artist")).toMatchObject({ ok: true, rows: [[275n]] });
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it("caps rows and reports SQLite's own errors", async () => {
    expect(await send("SELECT TrackId FROM Track ORDER BY TrackId")).toMatchObject({ ok: true, rows: Array.from({ length: 10 }, (_, index) => [BigInt(index + 1)]) });
    expect(await send("SELECT * FROM nope")).toMatchObject({ ok: false, code: "SQLITE_ERROR", message: expect.stringMatching(/no such table/) as unknown });
  });
});
