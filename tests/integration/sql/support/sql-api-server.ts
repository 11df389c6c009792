import http from "node:http";
import { type AddressInfo } from "node:net";
import Database from "better-sqlite3";
import pg from "pg";
import { type ServerAddress } from "./chinook.ts";

/**
 * A real HTTP SQL API, as a user might run in front of their database, for the `http_api` connector's
 * tests. Each route has its own contract, so one server covers the shapes Tandem must read:
 * - `POST /sqlite/query`: bearer token `sqlite-token`; body `{"query", "limit"}`; SQLite Chinook;
 *   `{"data": {"columns": [{"name", "type"}], "rows": [[...]]}, "error": null}`, errors as HTTP 400
 *   `{"data": null, "error": {"message"}}`.
 * - `POST /sqlite/records`: basic auth `reader:pa55`; rows as objects `{"ok", "result": {"records": [...]}}`;
 *   errors with HTTP 200 and `{"ok": false, "message"}`.
 * - `POST /postgres/query`: header `X-API-Key: pg-key`; body `{"sql"}`; PostgreSQL Chinook (its own
 *   statement timeout of 3 s); `{"columns": [{"name", "type"}], "rows": [[...]]}`, errors HTTP 422 `{"detail"}`.
 * - `POST /slow`: answers after 5 s. `POST /html`: an HTML page. `POST /wrong-shape`: JSON without rows.
 */
export interface SqlApiServer {
  url: string;
  /** Every request body received, in order. */
  bodies: string[];
  /** Requests being answered right now. */
  inFlight: number;
  close(): Promise<void>;
}

const postgresTypeNames: Record<number, string> = { 16: "boolean", 20: "bigint", 21: "smallint", 23: "integer", 25: "text", 114: "json", 700: "real", 701: "double precision", 1043: "varchar", 1082: "date", 1114: "timestamp", 1184: "timestamptz", 1700: "numeric" };

/** Every value as the database's text, as many HTTP APIs send them: Tandem must read the types from `columns`. */
const textTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    [20, 1082, 1114, 1184, 1700].includes(oid) ? (value: string) => value : (pg.types.getTypeParser(oid, format) as (value: string) => unknown)) as typeof pg.types.getTypeParser, // Same parser shape for both formats.
};

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value)));
}

export async function startSqlApiServer(options: { sqlitePath: string; postgres: ServerAddress }): Promise<SqlApiServer> {
  const sqlite = new Database(options.sqlitePath, { readonly: true, fileMustExist: true });
  const pool = new pg.Pool({ ...options.postgres, max: 8, types: textTypes, options: "-c statement_timeout=3000" });
  const bodies: string[] = [];
  let inFlight = 0;

  const runSqlite = (sql: string, limit: number) => {
    const statement = sqlite.prepare(sql).raw(true);
    const columns = statement.columns().map((column) => ({ name: column.name, type: column.type ?? undefined }));
    const rows = (statement.all() as unknown[][]).slice(0, limit); // raw(true) rows are arrays.
    return { columns, rows };
  };

  const server = http.createServer((request, response) => {
    inFlight += 1;
    response.on("close", () => (inFlight -= 1));
    void (async () => {
      const raw = await readBody(request);
      bodies.push(raw);
      const auth = request.headers.authorization ?? "";
      switch (request.url) {
        case "/sqlite/query": {
          if (auth !== "Bearer sqlite-token") return send(response, 401, { data: null, error: { message: "invalid or missing token" } });
          const body = JSON.parse(raw) as { query: string; limit: number }; // The test's own client sends this shape.
          try {
            return send(response, 200, { data: runSqlite(body.query, body.limit), error: null });
          } catch (error) {
            return send(response, 400, { data: null, error: { message: error instanceof Error ? error.message : String(error) } });
          }
        }
        case "/sqlite/records": {
          if (auth !== `Basic ${Buffer.from("reader:pa55").toString("base64")}`) return send(response, 401, { ok: false, message: "wrong user or password" });
          const body = JSON.parse(raw) as { statement: string; max_rows: number }; // As above.
          try {
            const { columns, rows } = runSqlite(body.statement, body.max_rows);
            return send(response, 200, { ok: true, result: { records: rows.map((row) => Object.fromEntries(columns.map((column, index) => [column.name, row[index]]))) } });
          } catch (error) {
            return send(response, 200, { ok: false, message: error instanceof Error ? error.message : String(error) });
          }
        }
        case "/postgres/query": {
          if (request.headers["x-api-key"] !== "pg-key") return send(response, 403, { detail: "forbidden" });
          const body = JSON.parse(raw) as { sql: string }; // As above.
          try {
            const result = await pool.query({ text: body.sql, rowMode: "array" });
            return send(response, 200, { columns: result.fields.map((field) => ({ name: field.name, type: postgresTypeNames[field.dataTypeID] ?? "text" })), rows: result.rows });
          } catch (error) {
            return send(response, 422, { detail: error instanceof Error ? error.message : String(error) });
          }
        }
        case "/slow":
          await new Promise((resolve) => setTimeout(resolve, 5_000));
          return send(response, 200, { data: { columns: [], rows: [] } });
        case "/html":
          response.writeHead(200, { "content-type": "text/html" });
          return response.end("<html><body>Service temporarily unavailable</body></html>");
        case "/wrong-shape":
          return send(response, 200, { data: { items: [] } });
        default:
          return send(response, 404, { error: { message: "no such route" } });
      }
    })().catch((error: unknown) => send(response, 500, { error: { message: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo; // A TCP server listening on a port.
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    get inFlight() {
      return inFlight;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      sqlite.close();
      await pool.end();
    },
  };
}
