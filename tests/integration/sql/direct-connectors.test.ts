import { writeFile } from "node:fs/promises";
import path from "node:path";
import { createConnector, type SourceLimits } from "@tandem/sql";
import { requireService } from "@tandem/testkit";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineSqlConnectorContract } from "./sql-connector.contract.ts";
import { copySqliteChinook, ensureMariadbChinook, ensureMariadbReader, ensurePostgresChinook, mariadbReader, snakeCase, type ServerAddress } from "./support/chinook.ts";

const postgresUp = await requireService("postgres");
const mariadbUp = await requireService("mariadb");
const postgres: ServerAddress | undefined = postgresUp ? await ensurePostgresChinook() : undefined;
const mariadb: ServerAddress | undefined = mariadbUp ? await ensureMariadbChinook() : undefined;
if (mariadbUp) await ensureMariadbReader();
const sqlite = await copySqliteChinook();
afterAll(() => sqlite.remove());

const identity = (name: string) => name;

describe.skipIf(postgres === undefined)("PostgreSQL", () => {
  const server = postgres as ServerAddress; // Defined whenever this block runs (skipIf above).
  const observer = new pg.Client({ ...server, database: "postgres" });
  beforeAll(() => observer.connect());
  afterAll(() => observer.end());

  defineSqlConnectorContract({
    name: "PostgreSQL 15",
    open: (limits?: Partial<SourceLimits>) => createConnector({ config: { kind: "postgresql", ...server, limits: limits ?? {} } }),
    spell: snakeCase,
    statementErrorCode: "database_error",
    comments: true,
    observeConcurrency: async () => {
      const result = await observer.query<{ running: string }>(
        "SELECT count(*) AS running FROM pg_stat_activity WHERE application_name = 'tandem' AND state = 'active' AND query LIKE '%concurrency_probe%'",
      );
      return Number(result.rows[0]?.running ?? 0);
    },
  });

  it("says which setting to fix when the role, the database or the port is wrong", async () => {
    const wrongUser = createConnector({ config: { kind: "postgresql", ...server, user: "tandem_nobody" }, credentials: { password: "whatever" } });
    expect(await wrongUser.testConnection()).toEqual({ ok: false, code: "auth_failed", message: expect.stringMatching(/tandem_nobody.*Check the user name and password/) as unknown });
    const wrongDatabase = createConnector({ config: { kind: "postgresql", ...server, database: "tandem_no_such_db" } });
    expect(await wrongDatabase.testConnection()).toMatchObject({ ok: false, code: "connection_failed", message: expect.stringMatching(/tandem_no_such_db.*database name/) as unknown });
    const wrongPort = createConnector({ config: { kind: "postgresql", ...server, port: 1 } });
    expect(await wrongPort.testConnection()).toMatchObject({ ok: false, code: "connection_failed", message: expect.stringMatching(/Cannot reach PostgreSQL at 127\.0\.0\.1:1/) as unknown });
    await Promise.all([wrongUser.close(), wrongDatabase.close(), wrongPort.close()]);
  });
});

describe.skipIf(mariadb === undefined)("MariaDB", () => {
  const server = mariadb as ServerAddress; // Defined whenever this block runs (skipIf above).
  let observer: mysql.Connection;
  beforeAll(async () => {
    observer = await mysql.createConnection({ host: server.host, port: server.port, user: server.user });
  });
  afterAll(() => observer.end());

  defineSqlConnectorContract({
    name: "MariaDB",
    open: (limits?: Partial<SourceLimits>) => createConnector({ config: { kind: "mysql", ...server, limits: limits ?? {} } }),
    spell: identity,
    statementErrorCode: "database_error",
    comments: true,
    observeConcurrency: async () => {
      const [rows] = await observer.query<mysql.RowDataPacket[]>(
        "SELECT count(*) AS running FROM information_schema.PROCESSLIST WHERE INFO LIKE '%concurrency\\_probe%' AND ID <> CONNECTION_ID()",
      );
      return Number(rows[0]?.running ?? 0);
    },
  });

  it("accepts the right password and says what to fix for a wrong one", async () => {
    const config = { kind: "mysql" as const, ...server, user: mariadbReader.user };
    const good = createConnector({ config, credentials: { password: mariadbReader.password } });
    expect(await good.testConnection()).toMatchObject({ ok: true, serverVersion: expect.stringMatching(/^MariaDB /) as unknown });
    const bad = createConnector({ config, credentials: { password: "not-the-password" } });
    expect(await bad.testConnection()).toEqual({ ok: false, code: "auth_failed", message: expect.stringMatching(/refused user "tandem_reader".*Check the user name and password/) as unknown });
    await Promise.all([good.close(), bad.close()]);
  });
});

describe("SQLite", () => {
  defineSqlConnectorContract({
    name: "SQLite",
    open: (limits?: Partial<SourceLimits>) => createConnector({ config: { kind: "sqlite", path: sqlite.path, limits: limits ?? {} } }),
    spell: identity,
    statementErrorCode: "database_error",
    comments: false,
  });

  it("says what is wrong with a missing file or one that is not a database", async () => {
    const missing = createConnector({ config: { kind: "sqlite", path: path.join(path.dirname(sqlite.path), "missing.sqlite") } });
    expect(await missing.testConnection()).toMatchObject({ ok: false, code: "connection_failed", message: expect.stringMatching(/missing\.sqlite.*Check the path/) as unknown });
    const notDatabase = path.join(path.dirname(sqlite.path), "notes.txt");
    await writeFile(notDatabase, "this is not a database, just a text file that is long enough to be read");
    const wrong = createConnector({ config: { kind: "sqlite", path: notDatabase } });
    expect(await wrong.testConnection()).toMatchObject({ ok: false, code: "connection_failed", message: expect.stringMatching(/not a SQLite database/) as unknown });
    await Promise.all([missing.close(), wrong.close()]);
  });
});

describe.skipIf(postgres === undefined || mariadb === undefined)("the same question on the three engines", () => {
  it("gives the same rows", async () => {
    const engines = [
      { connector: createConnector({ config: { kind: "postgresql", ...(postgres as ServerAddress) } }), spell: snakeCase }, // Defined when not skipped.
      { connector: createConnector({ config: { kind: "mysql", ...(mariadb as ServerAddress) } }), spell: identity }, // As above.
      { connector: createConnector({ config: { kind: "sqlite", path: sqlite.path } }), spell: identity },
    ];
    const results = await Promise.all(
      engines.map(({ connector, spell: s }) =>
        connector.execute(
          `SELECT g.${s("Name")} AS genre, count(*) AS tracks, round(avg(t.${s("UnitPrice")}), 2) AS price, min(i.${s("InvoiceDate")}) AS first_sale ` +
            `FROM ${s("Track")} t JOIN ${s("Genre")} g ON g.${s("GenreId")} = t.${s("GenreId")} JOIN ${s("InvoiceLine")} l ON l.${s("TrackId")} = t.${s("TrackId")} ` +
            `JOIN ${s("Invoice")} i ON i.${s("InvoiceId")} = l.${s("InvoiceId")} GROUP BY g.${s("Name")} ORDER BY tracks DESC, genre LIMIT 5`,
        ),
      ),
    );
    await Promise.all(engines.map(({ connector }) => connector.close()));
    expect(results[0]?.rows).toHaveLength(5);
    expect(results[0]?.rows[0]).toEqual(["Rock", 835, 0.99, "2021-01-01T00:00:00"]);
    expect(results[1]?.rows).toEqual(results[0]?.rows);
    expect(results[2]?.rows).toEqual(results[0]?.rows);
    expect(results.map((result) => result.columns.map((column) => column.type))).toEqual(Array.from({ length: 3 }, () => ["string", "number", "number", "date"]));
  });
});
