// The SQLite connector's worker thread. better-sqlite3 is synchronous: run in the main thread, a slow
// statement would block the whole server and could not be stopped. Here it blocks only this worker, which
// the connector terminates when the statement's deadline passes. Plain JavaScript because a worker thread
// loads its file without the TypeScript loader. Messages are described in sqlite-connector.ts.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

let database;
try {
  database = new Database(workerData.path, { readonly: true, fileMustExist: true });
  // A second lock on writes, besides the read-only open: no statement may change the file.
  database.pragma("query_only = ON");
  // Fails now (SQLITE_NOTADB) rather than on the first statement when the file is not a database.
  database.prepare("SELECT count(*) FROM sqlite_master").get();
  parentPort.postMessage({ type: "ready", version: database.prepare("SELECT sqlite_version() AS version").get().version });
} catch (error) {
  parentPort.postMessage({ type: "open-failed", message: error.message, code: error.code });
  database = undefined;
}

parentPort.on("message", ({ id, sql, maxRows }) => {
  if (database === undefined) return;
  try {
    const statement = database.prepare(sql);
    if (!statement.reader) {
      parentPort.postMessage({ id, ok: false, message: "Only statements that return rows can run on a data source.", code: "SQLITE_NOT_READER" });
      return;
    }
    statement.raw(true);
    statement.safeIntegers(true);
    const columns = statement.columns().map((column) => ({ name: column.name, type: column.type }));
    const rows = [];
    for (const row of statement.iterate()) {
      rows.push(row);
      if (rows.length >= maxRows) break;
    }
    parentPort.postMessage({ id, ok: true, columns, rows });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: error.message, code: error.code });
  }
});
