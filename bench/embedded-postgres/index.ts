/**
 * `npm run bench -- embedded-postgres [--queries N] [--module PATH]`
 * Embedded Postgres (PGlite behind pglite-socket) seen from the main thread: start-up time, sequential
 * `SELECT 1` through `pg` (simple and extended protocol) and through Prisma, a concurrent mix, and how
 * much the database's work holds up the main thread (event-loop delay while heavy queries run, and a
 * fixed CPU-bound task timed alone and beside a query load), and request-like loads that spend CPU on
 * the main thread around each query. `--module` takes `startEmbeddedPostgres` from another file to
 * compare on the same machine, e.g. the in-process implementation before ADR 0018, copied beside the
 * current one so its imports resolve:
 *   git show c6d04af:packages/db/src/embedded/embedded-postgres.ts > packages/db/src/embedded/in-process.tmp.ts
 *
 * Rates depend on how many cores the process actually gets; on a shared machine the CPU time spent on
 * the main thread per query (read from /proc on Linux) is the steadier figure.
 */
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { createPrismaClient, runMigrations, startEmbeddedPostgres as defaultStart, type EmbeddedPostgres, type EmbeddedPostgresOptions } from "@tandem/db";
import pg from "pg";

const { values } = parseArgs({
  options: {
    queries: { type: "string", default: "3000" },
    module: { type: "string" },
  },
});
const queries = Number(values.queries);
type Start = (options: EmbeddedPostgresOptions) => Promise<EmbeddedPostgres>;
const start: Start = values.module
  ? ((await import(pathToFileURL(path.resolve(values.module)).href)) as { startEmbeddedPostgres: Start }).startEmbeddedPostgres
  : defaultStart;

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Busy-waits `ms` milliseconds on this thread (stands in for HTTP parsing, the engine, Prisma's own work). */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // burn CPU
  }
}

/** CPU milliseconds this process's main thread has used (Linux; NaN elsewhere). */
function mainThreadCpuMs(): number {
  try {
    // Fields after the command name: state is 3rd, utime 14th and stime 15th of the whole line.
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms (CLK_TCK 100)
  } catch {
    return Number.NaN;
  }
}

interface Measured {
  perSecond: number;
  /** Main-thread CPU per call: what the database's work no longer adds when it runs elsewhere. */
  mainThreadCpuMs: number;
  /** All threads' CPU per call. */
  processCpuMs: number;
}

async function measure(count: number, body: () => Promise<void>): Promise<Measured> {
  const mainBefore = mainThreadCpuMs();
  const processBefore = process.cpuUsage();
  const started = performance.now();
  await body();
  const elapsed = performance.now() - started;
  const processUsed = process.cpuUsage(processBefore);
  return {
    perSecond: round((count * 1000) / elapsed),
    mainThreadCpuMs: round((mainThreadCpuMs() - mainBefore) / count, 3),
    processCpuMs: round((processUsed.user + processUsed.system) / 1000 / count, 3),
  };
}

async function sequential(count: number, run: () => Promise<unknown>): Promise<Measured> {
  for (let index = 0; index < Math.min(200, count); index += 1) await run();
  return measure(count, async () => {
    for (let index = 0; index < count; index += 1) await run();
  });
}

/** Runs `count` calls on `width` lanes, each lane one call at a time. */
async function concurrently(count: number, width: number, run: (index: number, lane: number) => Promise<unknown>): Promise<Measured> {
  let next = 0;
  return measure(count, async () => {
    await Promise.all(
      Array.from({ length: width }, async (_, lane) => {
        while (next < count) await run(next++, lane);
      }),
    );
  });
}

const startedAt = performance.now();
const postgres = await start({ dataDir: "memory://bench-embedded-postgres" });
const startupMs = round(performance.now() - startedAt);
await runMigrations(postgres.url);
const prisma = createPrismaClient(postgres.url, { maxConnections: 4 });
const clients = await Promise.all(
  Array.from({ length: 4 }, async () => {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    return client;
  }),
);
const [client] = clients as [pg.Client];
const { id: workspaceId } = await prisma.workspace.create({ data: { name: "Bench", slug: "bench" } });

const pgSimple = await sequential(queries, () => client.query("SELECT 1"));
const pgExtended = await sequential(queries, () => client.query("SELECT $1::int AS one", [1]));
const prismaRaw = await sequential(queries, () => prisma.$queryRaw`SELECT 1`);
const prismaFind = await sequential(queries, () => prisma.workspace.findUnique({ where: { id: workspaceId } }));

// A concurrent mix, 12 in flight: four lanes of raw pg (one connection each, parameterised and simple
// queries) and eight lanes of Prisma on its pool of four (a lookup by id and a count).
const mix = await concurrently(queries * 2, 12, (index, lane) => {
  if (lane < clients.length) {
    const connection = clients[lane]!;
    return index % 2 === 0 ? connection.query("SELECT $1::int + $2::int AS total", [index, 1]) : connection.query("SELECT count(*) FROM generate_series(1, 200)");
  }
  return index % 2 === 0 ? prisma.workspace.findUnique({ where: { id: workspaceId } }) : prisma.workspace.count();
});

// Requests that each spend CPU on the main thread around one query, 32 in flight: with the database on
// the same thread the two kinds of work take turns on one core.
const requests = await concurrently(queries, 32, async () => {
  spin(0.2);
  await prisma.workspace.findUnique({ where: { id: workspaceId } });
  spin(0.2);
});

// The same with a query that makes the database work (about a millisecond, like a keyword search):
// here the two threads can overlap, where one thread had to do both in turn.
const heavierRequests = await concurrently(Math.round(queries / 2), 32, async (_, lane) => {
  spin(0.5);
  if (lane < clients.length) await clients[lane]!.query("SELECT count(*) FROM generate_series(1, 10000)");
  else await prisma.$queryRaw`SELECT count(*) FROM generate_series(1, 10000)`;
  spin(0.5);
});

// Event-loop delay on the main thread while heavy queries run back to back.
const histogram = monitorEventLoopDelay({ resolution: 5 });
const heavyStarted = performance.now();
histogram.enable();
for (let index = 0; index < 5; index += 1) await client.query("SELECT count(*) FROM generate_series(1, 2000000)");
histogram.disable();
const heavyQueriesMs = round(performance.now() - heavyStarted);
const loopDelay = {
  p50Ms: round(histogram.percentile(50) / 1e6),
  p99Ms: round(histogram.percentile(99) / 1e6),
  maxMs: round(histogram.max / 1e6),
};

// A fixed CPU task on the main thread (400 slices of 2 ms), alone and beside a query load.
async function cpuTask(): Promise<number> {
  const started = performance.now();
  for (let slice = 0; slice < 400; slice += 1) {
    spin(2);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return performance.now() - started;
}
const cpuAloneMs = round(await cpuTask());
let loadDone = false;
let loadQueries = 0;
const load = Promise.all(
  clients.map(async (each) => {
    while (!loadDone) {
      await each.query("SELECT count(*) FROM generate_series(1, 20000)");
      loadQueries += 1;
    }
  }),
);
const cpuLoadedMs = round(await cpuTask());
loadDone = true;
await load;
const loadQueriesPerSecond = round((loadQueries * 1000) / cpuLoadedMs);

await Promise.all(clients.map((each) => each.end()));
await prisma.$disconnect();
const stopStarted = performance.now();
await postgres.stop();
const stopMs = round(performance.now() - stopStarted);

console.log(
  JSON.stringify({
    startupMs,
    stopMs,
    sequential: { pgSimple, pgExtended, prismaRaw, prismaFind },
    concurrentMix: mix,
    requestsWithMainThreadWork: requests,
    heavierRequests,
    heavyQueries: { totalMs: heavyQueriesMs, eventLoopDelay: loopDelay },
    cpuTask: { aloneMs: cpuAloneMs, besideQueryLoadMs: cpuLoadedMs, loadQueriesPerSecond },
  }),
);
