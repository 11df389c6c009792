import net from "node:net";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardSql } from "./guard-sql.ts";
import { detectMysqlFlavor, mysqlReadOnlyStatements, postgresReadOnlyStatements } from "./read-only-session.ts";

// packages/sql is a leaf (no testkit): the same service check, inline. CI=true turns a skip into a failure.
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const MARIADB_URL = process.env.TEST_MARIADB_URL ?? "mysql://root@127.0.0.1:3306/test";

async function serviceUp(name: string, url: string, start: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  const up = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1500, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
  if (up) return true;
  const message = `${name} is not reachable at ${url}. Start it with: ${start}`;
  if (process.env.CI === "true" || process.env.CI === "1") throw new Error(message);
  console.warn(`[skipped] ${message}`);
  return false;
}

interface SessionClient {
  query(sql: string): Promise<unknown>;
}

/** Runs `run` between the session's statements, as the connectors do; always runs `end`. */
async function inSession<T>(client: SessionClient, session: { begin: readonly string[]; end: string | readonly string[] }, run: () => Promise<T>): Promise<T> {
  for (const statement of session.begin) await client.query(statement);
  try {
    return await run();
  } finally {
    for (const statement of typeof session.end === "string" ? [session.end] : session.end) await client.query(statement);
  }
}

/** What the database said: its SQLSTATE (PostgreSQL) or error number (MySQL), or "resolved". */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    const { code, errno } = error as { code?: unknown; errno?: unknown };
    return typeof errno === "number" ? String(errno) : typeof code === "string" ? code : `other: ${String(error)}`;
  }
}

describe("read-only session statements", () => {
  it("PostgreSQL: a read-only transaction with local timeouts, rolled back", () => {
    expect(postgresReadOnlyStatements({ timeoutMs: 5000 })).toEqual({
      begin: [
        "BEGIN TRANSACTION READ ONLY",
        "SET LOCAL statement_timeout = 5000",
        "SET LOCAL lock_timeout = 5000",
        "SET LOCAL idle_in_transaction_session_timeout = 10000",
      ],
      end: "ROLLBACK",
    });
    expect(() => postgresReadOnlyStatements({ timeoutMs: 1.5 })).toThrow();
  });

  it("MySQL and MariaDB name and scale the time limit differently", () => {
    expect(detectMysqlFlavor("10.11.6-MariaDB-0+deb12u1")).toBe("mariadb");
    expect(detectMysqlFlavor("8.4.3")).toBe("mysql");
    expect(mysqlReadOnlyStatements({ flavor: "mysql", timeoutMs: 2500 }).begin).toEqual([
      "SET SESSION max_execution_time = 2500",
      "SET SESSION innodb_lock_wait_timeout = 3",
      "SET SESSION lock_wait_timeout = 3",
      "START TRANSACTION READ ONLY",
    ]);
    expect(mysqlReadOnlyStatements({ flavor: "mariadb", timeoutMs: 2500 }).begin[0]).toBe("SET SESSION max_statement_time = 2.5");
  });
});

describe("the PostgreSQL read-only session on real PostgreSQL", () => {
  let client: pg.Client | undefined;
  beforeAll(async () => {
    if (!(await serviceUp("postgres", POSTGRES_URL, "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"))) return;
    client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  it("runs a guarded query, refuses a write the guard would have caught, and stops a slow one", async (context) => {
    if (!client) return context.skip();
    const session = client;
    const guarded = guardSql("SELECT n FROM generate_series(1, 1000) AS g(n) ORDER BY n", { dialect: "postgresql", maxRows: 3 });
    if (!guarded.ok) throw new Error(guarded.message);
    const rows = await inSession(session, postgresReadOnlyStatements({ timeoutMs: 2000 }), async () => (await session.query<{ n: number }>(guarded.sql)).rows);
    expect(rows.map((row) => row.n)).toEqual([1, 2, 3]);

    // Defence in depth: these never pass the guard; the transaction refuses them anyway.
    const write = inSession(session, postgresReadOnlyStatements({ timeoutMs: 2000 }), () => session.query("CREATE TABLE tandem_guard_probe (x int)"));
    expect(await codeOf(write)).toBe("25006"); // read_only_sql_transaction
    const sequence = inSession(session, postgresReadOnlyStatements({ timeoutMs: 2000 }), () =>
      session.query("SELECT nextval(oid) FROM pg_class WHERE relkind = 'S' LIMIT 1"),
    );
    expect(["resolved", "25006"]).toContain(await codeOf(sequence));

    const started = Date.now();
    const slow = inSession(session, postgresReadOnlyStatements({ timeoutMs: 200 }), () => session.query("SELECT pg_sleep(5)"));
    expect(await codeOf(slow)).toBe("57014"); // query_canceled by statement_timeout
    expect(Date.now() - started).toBeLessThan(3000);

    // Rolled back: the connection is usable, outside any transaction, with its own settings back.
    const after = await session.query<{ timeout: string; read_only: string }>(
      "SELECT current_setting('statement_timeout') AS timeout, current_setting('transaction_read_only') AS read_only",
    );
    expect(after.rows[0]).toEqual({ timeout: "0", read_only: "off" });
  });
});

describe("the MariaDB read-only session on real MariaDB", () => {
  let connection: mysql.Connection | undefined;
  beforeAll(async () => {
    if (!(await serviceUp("mariadb", MARIADB_URL, "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd"))) return;
    connection = await mysql.createConnection(MARIADB_URL);
    await connection.query("CREATE TABLE IF NOT EXISTS tandem_guard_probe (x INT)");
  });
  afterAll(async () => {
    await connection?.query("DROP TABLE IF EXISTS tandem_guard_probe");
    await connection?.end();
  });

  it("refuses writes in the read-only transaction and stops a slow statement", async (context) => {
    if (!connection) return context.skip();
    const session = connection;
    const [versionRows] = await session.query<mysql.RowDataPacket[]>("SELECT VERSION() AS version");
    const flavor = detectMysqlFlavor(String(versionRows[0]?.version));
    const session300 = mysqlReadOnlyStatements({ flavor, timeoutMs: 300 });

    const guarded = guardSql("SELECT 1 AS one UNION ALL SELECT 2 ORDER BY one", { dialect: "mysql", maxRows: 1 });
    if (!guarded.ok) throw new Error(guarded.message);
    const [rows] = await inSession(session, session300, () => session.query<mysql.RowDataPacket[]>(guarded.sql));
    expect(rows.map((row) => Number(row.one))).toEqual([1]);

    const write = inSession(session, session300, () => session.query("INSERT INTO tandem_guard_probe VALUES (1)"));
    expect(await codeOf(write)).toBe("1792"); // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
    const [count] = await session.query<mysql.RowDataPacket[]>("SELECT count(*) AS n FROM tandem_guard_probe");
    expect(Number(count[0]?.n)).toBe(0);

    const started = Date.now();
    const slow = inSession(session, session300, () =>
      session.query(
        "SELECT count(*) FROM information_schema.COLLATIONS a, information_schema.COLLATIONS b, information_schema.COLLATIONS c, information_schema.COLLATIONS d",
      ),
    );
    expect(["1969", "3024"]).toContain(await codeOf(slow)); // MariaDB max_statement_time, MySQL max_execution_time
    expect(Date.now() - started).toBeLessThan(5000);

    const [settings] = await session.query<mysql.RowDataPacket[]>(
      flavor === "mariadb" ? "SELECT @@SESSION.max_statement_time AS limit_value" : "SELECT @@SESSION.max_execution_time AS limit_value",
    );
    expect(Number(settings[0]?.limit_value)).toBe(0);
  });
});
