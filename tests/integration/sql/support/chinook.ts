import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { services } from "@tandem/testkit";
import mysql from "mysql2/promise";
import pg from "pg";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const chinookDir = path.join(root, "..", "shared", "data", "sample-dbs", "chinook");

/** The database the Chinook dumps are loaded into, on PostgreSQL and on MariaDB. */
export const chinookDatabase = "tandem_chinook";

/** Chinook's rows per table (SQLite and MariaDB names; PostgreSQL's are snake_case). */
export const chinookRowCounts = {
  Album: 347,
  Artist: 275,
  Customer: 59,
  Employee: 8,
  Genre: 25,
  Invoice: 412,
  InvoiceLine: 2240,
  MediaType: 5,
  Playlist: 18,
  PlaylistTrack: 8715,
  Track: 3503,
} as const;

export const snakeCase = (name: string) => name.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();

/** Comments the helpers add, so introspection has something to find (the dumps have none). */
export const chinookComments = {
  table: "One invoice per purchase by a customer",
  column: "Invoice total in US dollars, taxes included",
} as const;

export interface ServerAddress {
  host: string;
  port: number;
  user: string;
  database: string;
}

function address(url: string, database: string): ServerAddress {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port), user: decodeURIComponent(parsed.username), database };
}

/** The dump after its own `CREATE DATABASE` and `\c`/`USE` lines: it is loaded into `tandem_chinook` instead. */
async function dumpBody(file: string, marker: RegExp): Promise<string> {
  const dump = await readFile(path.join(chinookDir, file), "utf8");
  const found = marker.exec(dump);
  if (found === null) throw new Error(`${file} no longer has the line ${String(marker)}; update the loader`);
  return dump.slice(found.index + found[0].length);
}

async function postgresLoaded(client: pg.Client): Promise<boolean> {
  try {
    const counts = await client.query<{ table_name: string; rows: string }>(
      Object.keys(chinookRowCounts)
        .map((table) => `SELECT '${table}' AS table_name, count(*) AS rows FROM ${snakeCase(table)}`)
        .join(" UNION ALL "),
    );
    const comment = await client.query<{ comment: string | null }>("SELECT col_description('invoice'::regclass, 9) AS comment");
    return counts.rows.every((row) => Number(row.rows) === chinookRowCounts[row.table_name as keyof typeof chinookRowCounts]) && comment.rows[0]?.comment === chinookComments.column; // table_name is one of the keys queried above.
  } catch {
    return false;
  }
}

/**
 * Chinook on the real PostgreSQL, in its own database, loaded only when it is missing or incomplete (so
 * repeated runs are fast) and under an advisory lock (so two test files loading at once do not collide).
 */
export async function ensurePostgresChinook(): Promise<ServerAddress> {
  const admin = new pg.Client({ connectionString: services.postgres.url.replace(/\/[^/]*$/, "/postgres") });
  await admin.connect();
  try {
    await admin.query("SELECT pg_advisory_lock(hashtext('tandem_chinook_load'))");
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [chinookDatabase]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${chinookDatabase}`);
    const target = address(services.postgres.url, chinookDatabase);
    const client = new pg.Client({ ...target });
    await client.connect();
    try {
      if (!(await postgresLoaded(client))) {
        const body = await dumpBody("Chinook_PostgreSql.sql", /^\\c chinook;\s*$/m);
        await client.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
        await client.query(`BEGIN; ${body}; COMMIT`);
        await client.query(`COMMENT ON TABLE invoice IS '${chinookComments.table}'; COMMENT ON COLUMN invoice.total IS '${chinookComments.column}'; ANALYZE`);
        if (!(await postgresLoaded(client))) throw new Error("Chinook did not load into PostgreSQL with the expected row counts");
      }
    } finally {
      await client.end();
    }
    return target;
  } finally {
    await admin.query("SELECT pg_advisory_unlock(hashtext('tandem_chinook_load'))").catch(() => undefined);
    await admin.end();
  }
}

async function mariadbLoaded(connection: mysql.Connection): Promise<boolean> {
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>(
      Object.keys(chinookRowCounts)
        .map((table) => `SELECT '${table}' AS table_name, COUNT(*) AS row_count FROM \`${chinookDatabase}\`.\`${table}\``)
        .join(" UNION ALL "),
    );
    const [comment] = await connection.query<mysql.RowDataPacket[]>(
      "SELECT COLUMN_COMMENT AS comment FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'Invoice' AND COLUMN_NAME = 'Total'",
      [chinookDatabase],
    );
    return rows.every((row) => Number(row.row_count) === chinookRowCounts[String(row.table_name) as keyof typeof chinookRowCounts]) && comment[0]?.comment === chinookComments.column; // table_name is one of the keys queried above.
  } catch {
    return false;
  }
}

/** Chinook on the real MariaDB, in its own database, loaded only when needed, under `GET_LOCK`. */
export async function ensureMariadbChinook(): Promise<ServerAddress> {
  const target = address(services.mariadb.url, chinookDatabase);
  const connection = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, multipleStatements: true, charset: "utf8mb4" });
  try {
    await connection.query("SELECT GET_LOCK('tandem_chinook_load', 300)");
    if (!(await mariadbLoaded(connection))) {
      const body = await dumpBody("Chinook_MySql.sql", /^USE `Chinook`;\s*$/m);
      await connection.query(`DROP DATABASE IF EXISTS \`${chinookDatabase}\`; CREATE DATABASE \`${chinookDatabase}\` CHARACTER SET utf8mb4; USE \`${chinookDatabase}\``);
      await connection.query(body);
      await connection.query(`ALTER TABLE Invoice COMMENT = '${chinookComments.table}', MODIFY Total NUMERIC(10,2) NOT NULL COMMENT '${chinookComments.column}'`);
      if (!(await mariadbLoaded(connection))) throw new Error("Chinook did not load into MariaDB with the expected row counts");
    }
    return target;
  } finally {
    await connection.query("SELECT RELEASE_LOCK('tandem_chinook_load')").catch(() => undefined);
    await connection.end();
  }
}

/** A private copy of the SQLite Chinook (the shared data is read-only and must stay untouched). */
export async function copySqliteChinook(): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "tandem-chinook-"));
  const file = path.join(dir, "chinook.sqlite");
  await copyFile(path.join(chinookDir, "Chinook_Sqlite.sqlite"), file);
  return { path: file, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A MariaDB account with a password and SELECT on Chinook only, to test password checks (root has none). */
export const mariadbReader = { user: "tandem_reader", password: "reader-secret" } as const;

export async function ensureMariadbReader(): Promise<void> {
  const target = address(services.mariadb.url, chinookDatabase);
  const connection = await mysql.createConnection({ host: target.host, port: target.port, user: target.user });
  try {
    await connection.query(`CREATE USER IF NOT EXISTS '${mariadbReader.user}'@'%' IDENTIFIED BY '${mariadbReader.password}'`);
    await connection.query(`ALTER USER '${mariadbReader.user}'@'%' IDENTIFIED BY '${mariadbReader.password}'`);
    await connection.query(`GRANT SELECT ON \`${chinookDatabase}\`.* TO '${mariadbReader.user}'@'%'`);
  } finally {
    await connection.end();
  }
}
