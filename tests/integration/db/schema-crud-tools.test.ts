// CRUD through the ToolProvider model with every column set: proves the Prisma schema and the hand-written
// migration agree, that a name is unique per workspace, and that providers go with their workspace.
import { randomUUID } from "node:crypto";
import { openDatabase, type Database, type PrismaClient } from "@tandem/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectColumnsMatchFields } from "./support/expect-columns-match-fields.ts";

const createdAt = new Date("2024-03-04T05:06:07.089Z");

let database: Database;
let prisma: PrismaClient;
let workspaceId = "";

beforeAll(async () => {
  database = await openDatabase({ dataDir: "memory://" });
  prisma = database.prisma;
  workspaceId = (await prisma.workspace.create({ data: { name: "Tools", slug: "tools" } })).id;
});

afterAll(async () => {
  await database?.close();
});

describe("CRUD on every column", () => {
  it("ToolProvider, unique by name per workspace, deleted with its workspace", async () => {
    const data = {
      id: randomUUID(),
      workspaceId,
      name: "weather",
      kind: "openapi",
      description: "Forecasts",
      config: { spec: { openapi: "3.0.3" }, baseUrl: "http://127.0.0.1:1" },
      credentialsEncrypted: "v1:sealed",
      enabled: false,
      createdAt,
      updatedAt: createdAt,
    };
    const row = await prisma.toolProvider.create({ data });
    expect(row).toEqual(data);
    await expectColumnsMatchFields(prisma, "tool_providers", row);
    const read = await prisma.toolProvider.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId, name: "weather" } } });
    expect(read).toEqual(data);
    const updated = await prisma.toolProvider.update({ where: { id: data.id }, data: { enabled: true, credentialsEncrypted: null } });
    expect(updated).toMatchObject({ enabled: true, credentialsEncrypted: null });
    expect(updated.updatedAt.getTime()).toBeGreaterThan(createdAt.getTime());
    await expect(prisma.toolProvider.create({ data: { workspaceId, name: "weather", kind: "mcp" } })).rejects.toThrow();
    await prisma.workspace.delete({ where: { id: workspaceId } });
    expect(await prisma.toolProvider.count({ where: { id: data.id } })).toBe(0);
  });
});
