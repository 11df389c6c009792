// The SQLite connector's child process. better-sqlite3 is synchronous and has no way to interrupt a
// statement: in the server's own process a slow statement would block everything, and in a worker thread
// it could not be stopped either (terminating a thread does not interrupt native code). In a child process
// it blocks only itself, and the connector kills it (SIGKILL) when the statement's deadline passes.
// Plain JavaScript because the process starts without the TypeScript loader. The protocol is described in
// sqlite-connector.ts; messages use Node's advanced serialisation, so BigInt and bytes cross intact.
import Database from "better-sqlite3";

const path = process.argv[2];
let database;
try {
  database = new Database(path, { readonly: true, fileMustExist: true });
  // Locks on writes besides the read-only open: no statement may change the file, and functions in the
  // schema (views, triggers) may not run with side effects.
  database.pragma("query_only = ON");
  database.pragma("trusted_schema = OFF");
  // Fails now (SQLITE_NOTADB) rather than on the first statement when the file is not a database.
  database.prepare("SELECT count(*) FROM sqlite_master").get();
  process.send({ type: "ready", version: database.prepare("SELECT sqlite_version() AS version").get().version });
} catch (error) {
  process.send({ type: "open-failed", message: error.message, code: error.code });
  database = undefined;
}

// The connector went away (closed, or its process died): nothing more to do.
process.on("disconnect", () => process.exit(0));

process.on("message", ({ id, sql, maxRows }) => {
  if (database === undefined) return;
  try {
    const statement = database.prepare(sql);
    // SQLite's own verdict (sqlite3_stmt_readonly) as the last line of defence behind the guard.
    if (!statement.reader || !statement.readonly) {
      process.send({ id, ok: false, message: "Only statements that return rows can run on a data source.", code: "SQLITE_NOT_READER" });
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
    process.send({ id, ok: true, columns, rows });
  } catch (error) {
    process.send({ id, ok: false, message: error.message, code: error.code });
  }
});
