import { access, appendFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  checkDatabaseHealth,
  isDatabaseError,
  loadMigrations,
  openDatabase,
  runMigrations,
  type Database,
  type DatabaseError,
  type DatabaseErrorCode,
} from "@tandem/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyShippedMigrations } from "./support/copy-shipped-migrations.ts";

const initMigration = "20261122000000_init";
const shipped = await loadMigrations();
const shippedNames = shipped.map((migration) => migration.name);

interface MigrationRecord {
  migration_name: string;
  checksum: string;
  finished: boolean;
  rolled_back: boolean;
}

async function migrationRecords(database: Database): Promise<MigrationRecord[]> {
  return database.prisma.$queryRaw<MigrationRecord[]>`
    SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back
      FROM "_prisma_migrations" ORDER BY migration_name`;
}

async function tableExists(database: Database, table: string): Promise<boolean> {
  const rows = await database.prisma.$queryRaw<Array<{ exists: boolean }>>`
    SELECT to_regclass(${`public.${table}`}) IS NOT NULL AS exists`;
  return rows[0]?.exists ?? false;
}

async function expectDatabaseError(promise: Promise<unknown>, code: DatabaseErrorCode): Promise<DatabaseError> {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  if (!isDatabaseError(error)) throw new Error(`Expected a DatabaseError with code ${code}, got ${String(error)}`);
  expect(error.code).toBe(code);
  return error;
}

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

describe("runMigrations on a fresh database", () => {
  let database: Database;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: "memory://", migrate: false });
  });
  afterAll(async () => {
    await database?.close();
  });

  it("applies the shipped init migration once, then reports it as already applied", async () => {
    expect(shippedNames[0]).toBe(initMigration);
    expect(await tableExists(database, "workspaces")).toBe(false);

    expect(await runMigrations(database.url)).toEqual({ applied: shippedNames, alreadyApplied: [] });
    expect(await tableExists(database, "workspaces")).toBe(true);

    expect(await runMigrations(database.url)).toEqual({ applied: [], alreadyApplied: shippedNames });
    expect(await migrationRecords(database)).toEqual(
      shipped.map((migration) => ({ migration_name: migration.name, checksum: migration.checksum, finished: true, rolled_back: false })),
    );
  });

  it("reports itself healthy", async () => {
    expect(await checkDatabaseHealth(database.prisma)).toMatchObject({ ok: true });
  });

  it("installs the vector and pg_trgm extensions", async () => {
    const rows = await database.prisma.$queryRaw<Array<{ extname: string }>>`
      SELECT extname FROM pg_extension WHERE extname IN ('vector', 'pg_trgm') ORDER BY extname`;
    expect(rows.map((row) => row.extname)).toEqual(["pg_trgm", "vector"]);
  });
});

describe("an on-disk embedded database", () => {
  it("keeps its data and its migration record across a restart", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "tandem-db-restart-"));
    folders.push(folder);
    const dataDir = path.join(folder, "pgdata");

    const first = await openDatabase({ dataDir });
    try {
      expect(first.kind).toBe("embedded");
      expect(first.migrations).toEqual({ applied: shippedNames, alreadyApplied: [] });
      await first.prisma.workspace.create({ data: { name: "Survivor", slug: "survivor" } });
      expect(await runMigrations(first.url)).toEqual({ applied: [], alreadyApplied: shippedNames });
    } finally {
      await first.close();
    }
    // The lock file that lets a second process attach is gone once the owner stops.
    await expect(access(`${dataDir}.lock.json`)).rejects.toMatchObject({ code: "ENOENT" });

    const second = await openDatabase({ dataDir });
    try {
      expect(second.migrations).toEqual({ applied: [], alreadyApplied: shippedNames });
      const survivor = await second.prisma.workspace.findUnique({ where: { slug: "survivor" } });
      expect(survivor?.name).toBe("Survivor");
    } finally {
      await second.close();
    }
  });
});

describe("a migration edited after it was applied", () => {
  let database: Database;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: "memory://", migrate: false });
  });
  afterAll(async () => {
    await database?.close();
  });

  it("fails with migration_changed and applies nothing", async () => {
    const migrationsDir = await copyShippedMigrations();
    folders.push(path.dirname(migrationsDir));
    expect(await runMigrations(database.url, migrationsDir)).toEqual({ applied: shippedNames, alreadyApplied: [] });

    await appendFile(path.join(migrationsDir, initMigration, "migration.sql"), "\n-- an edit after release\n");
    const error = await expectDatabaseError(runMigrations(database.url, migrationsDir), "migration_changed");
    expect(error.message).toContain(initMigration);
    expect(await migrationRecords(database)).toHaveLength(shipped.length);
  });
});

describe("a migration with broken SQL", () => {
  const brokenMigration = "20991231000000_broken";
  let database: Database;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: "memory://", migrate: false });
  });
  afterAll(async () => {
    await database?.close();
  });

  it("is rolled back completely, fails with migration_failed, and can be fixed and applied later", async () => {
    const migrationsDir = await copyShippedMigrations();
    folders.push(path.dirname(migrationsDir));
    const brokenFolder = path.join(migrationsDir, brokenMigration);
    await mkdir(brokenFolder);
    await writeFile(
      path.join(brokenFolder, "migration.sql"),
      [
        `CREATE TABLE "partial_table" ("id" INTEGER);`,
        `INSERT INTO "workspaces" ("name", "slug") VALUES ('Ghost', 'ghost');`,
        `CREATE TABLE "never_created" ("id" no_such_type);`,
      ].join("\n"),
    );

    const error = await expectDatabaseError(runMigrations(database.url, migrationsDir), "migration_failed");
    expect(error.message).toContain(brokenMigration);
    expect(error.message).toContain("no_such_type");

    // The shipped migrations before it committed on their own; nothing of the broken one remains.
    expect(await tableExists(database, "workspaces")).toBe(true);
    expect(await tableExists(database, "partial_table")).toBe(false);
    expect(await database.prisma.workspace.count({ where: { slug: "ghost" } })).toBe(0);
    expect((await migrationRecords(database)).map((record) => record.migration_name)).toEqual(shippedNames);

    await writeFile(path.join(brokenFolder, "migration.sql"), `CREATE TABLE "partial_table" ("id" INTEGER);`);
    expect(await runMigrations(database.url, migrationsDir)).toEqual({
      applied: [brokenMigration],
      alreadyApplied: shippedNames,
    });
    expect(await tableExists(database, "partial_table")).toBe(true);
  });
});

describe("a database that cannot be reached", () => {
  it("fails with database_unreachable", async () => {
    // Port 1 is privileged and unused: the connection is refused at once.
    await expectDatabaseError(runMigrations("postgresql://postgres:postgres@127.0.0.1:1/postgres?sslmode=disable"), "database_unreachable");
  });
});

describe("a missing migrations folder", () => {
  it("fails with migrations_missing naming the folder", async () => {
    const missing = path.join(tmpdir(), "tandem-no-such-migrations-folder");
    const error = await expectDatabaseError(loadMigrations(missing), "migrations_missing");
    expect(error.message).toContain(missing);
  });
});
