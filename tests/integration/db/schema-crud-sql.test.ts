// CRUD through the SqlExample model with every column set: proves the Prisma schema and the hand-written
// migration agree, and that examples go with their data source.
import { randomUUID } from "node:crypto";
import { DataSourceKind, openDatabase, type Database, type PrismaClient } from "@tandem/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectColumnsMatchFields } from "./support/expect-columns-match-fields.ts";

const createdAt = new Date("2024-03-04T05:06:07.089Z");

let database: Database;
let prisma: PrismaClient;
let workspaceId = "";
let dataSourceId = "";

beforeAll(async () => {
  database = await openDatabase({ dataDir: "memory://" });
  prisma = database.prisma;
  workspaceId = (await prisma.workspace.create({ data: { name: "Parent", slug: "parent" } })).id;
  dataSourceId = (await prisma.dataSource.create({ data: { workspaceId, name: "Music", kind: DataSourceKind.sqlite, config: { kind: "sqlite", path: "/tmp/x.sqlite" } } })).id;
});

afterAll(async () => {
  await database?.close();
});

describe("CRUD on every column", () => {
  it("SqlExample, one per question and source, deleted with its source", async () => {
    const data = { id: randomUUID(), workspaceId, dataSourceId, question: "How many artists?", sql: 'SELECT COUNT(*) FROM "Artist"', origin: "feedback", createdAt, updatedAt: createdAt };
    const row = await prisma.sqlExample.create({ data });
    expect(row).toEqual(data);
    await expectColumnsMatchFields(prisma, "sql_examples", row);
    const read = await prisma.sqlExample.findUniqueOrThrow({ where: { dataSourceId_question: { dataSourceId, question: data.question } } });
    expect(read).toEqual(data);
    const updated = await prisma.sqlExample.update({ where: { id: data.id }, data: { sql: "SELECT 1", origin: "manual" } });
    expect(updated).toMatchObject({ sql: "SELECT 1", origin: "manual" });
    expect(updated.updatedAt.getTime()).toBeGreaterThan(createdAt.getTime());
    await expect(prisma.sqlExample.create({ data: { workspaceId, dataSourceId, question: data.question, sql: "SELECT 2" } })).rejects.toThrow();
    await prisma.dataSource.delete({ where: { id: dataSourceId } });
    expect(await prisma.sqlExample.count({ where: { id: data.id } })).toBe(0);
  });
});
