// Several connections to embedded Postgres at once, each running parameterised queries (the extended
// protocol): pglite-socket serves them all from one backend, and without keepExtendedQueriesWhole
// their Parse/Bind messages interleave ("bind message supplies 1 parameters, but prepared statement
// requires 3").
import { openDatabase, startEmbeddedPostgres, type EmbeddedPostgres } from "@tandem/db";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bind, connectWire, execute, parse, sync } from "./support/wire-client.ts";

let embedded: EmbeddedPostgres;
const clients: pg.Client[] = [];

beforeAll(async () => {
  embedded = await startEmbeddedPostgres({ dataDir: "memory://" });
  for (let index = 0; index < 4; index += 1) {
    const client = new pg.Client({ connectionString: embedded.url });
    await client.connect();
    clients.push(client);
  }
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.end()));
  await embedded?.stop();
});

describe("embedded Postgres with concurrent connections", () => {
  it("does not let another connection's Parse land between a connection's Parse and its Bind", async () => {
    // The interleaving, made deterministic: A parses (no Sync yet), B sends a whole exchange, then A
    // binds. Without keepExtendedQueriesWhole, B's Parse replaces A's unnamed statement and A's Bind
    // fails ("bind message supplies 1 parameters, but prepared statement requires 2").
    const a = await connectWire(embedded.port);
    const b = await connectWire(embedded.port);
    try {
      a.send(parse("SELECT $1::int AS one"));
      await new Promise((resolve) => setTimeout(resolve, 50));
      b.send(parse("SELECT $1::int + $2::int AS two"), bind(["1", "2"]), execute(), sync());
      await new Promise((resolve) => setTimeout(resolve, 50));
      a.send(bind(["7"]), execute(), sync());
      const [fromA, fromB] = await Promise.all([a.untilReady(), b.untilReady()]);
      expect(fromA.errors).toEqual([]);
      expect(fromB.errors).toEqual([]);
      expect(fromA.types).toContain("D");
      expect(fromB.types).toContain("D");
    } finally {
      a.close();
      b.close();
    }
  });

  it("keeps each connection's parameterised queries whole", async () => {
    const runs = clients.map(async (client, index) => {
      const results: number[] = [];
      for (let round = 0; round < 60; round += 1) {
        // Every connection binds a different number of parameters to its unnamed statement.
        const parameters = Array.from({ length: index + 1 }, (_, position) => round * 10 + position);
        const placeholders = parameters.map((_, position) => `$${position + 1}::int`).join(" + ");
        const { rows } = await client.query<{ total: number }>(`SELECT (${placeholders})::int AS total`, parameters);
        results.push(rows[0]!.total);
      }
      return results;
    });
    const all = await Promise.all(runs);
    all.forEach((results, index) => {
      const expected = Array.from({ length: 60 }, (_, round) => Array.from({ length: index + 1 }, (_, position) => round * 10 + position).reduce((sum, value) => sum + value, 0));
      expect(results).toEqual(expected);
    });
  });

  it("serves Prisma's pooled queries of different shapes at once", async () => {
    const database = await openDatabase({ dataDir: "memory://" });
    try {
      const { prisma } = database;
      const { id: workspaceId } = await prisma.workspace.create({ data: { name: "Busy", slug: "busy" } });
      const work = Array.from({ length: 40 }, async (_, index) => {
        const [workspaces, count, sum] = await Promise.all([
          prisma.workspace.findMany({ where: { id: workspaceId, name: { not: `x${index}` }, slug: { startsWith: "bu" } } }),
          prisma.workspace.count({ where: { id: workspaceId } }),
          prisma.$queryRaw<Array<{ total: number }>>`SELECT (${index}::int + ${1}::int + ${2}::int + ${3}::int + ${4}::int)::int AS total`,
        ]);
        return [workspaces.length, count, sum[0]?.total];
      });
      const results = await Promise.all(work);
      results.forEach((result, index) => expect(result).toEqual([1, 1, index + 10]));
    } finally {
      await database.close();
    }
  });

  it("still lets a transaction on one connection finish before others run, and recovers from errors", async () => {
    const [first, second] = clients as [pg.Client, pg.Client];
    await first.query("CREATE TABLE IF NOT EXISTS counters (id int primary key, value int)");
    await first.query("INSERT INTO counters VALUES (1, 0) ON CONFLICT DO NOTHING");
    await first.query("BEGIN");
    await first.query("UPDATE counters SET value = value + 1 WHERE id = $1", [1]);
    const read = second.query<{ value: number }>("SELECT value FROM counters WHERE id = $1", [1]);
    await first.query("UPDATE counters SET value = value + 1 WHERE id = $1", [1]);
    await first.query("COMMIT");
    expect((await read).rows[0]?.value).toBe(2);
    await expect(second.query("SELECT $1::int / 0", [1])).rejects.toThrow(/division by zero/);
    expect((await first.query<{ ok: number }>("SELECT $1::int AS ok", [7])).rows[0]?.ok).toBe(7);
  });
});
