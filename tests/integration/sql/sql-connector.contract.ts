import { isSqlError, type SourceLimits, type SqlConnector, type SqlErrorCode } from "@tandem/sql";
import { afterAll, describe, expect, it } from "vitest";
import { chinookComments, chinookRowCounts } from "./support/chinook.ts";

/** One adapter under the shared contract: how to open it, and how Chinook's names are spelled in it. */
export interface ConnectorSubject {
  name: string;
  open(limits?: Partial<SourceLimits>): SqlConnector;
  /** Chinook's SQLite name (`InvoiceLine`, `BillingCountry`) as this database spells it. */
  spell: (name: string) => string;
  /** The code a failing statement gets: `database_error`, or `remote_error` behind an HTTP API. */
  statementErrorCode: SqlErrorCode;
  /** Whether the database keeps comments (the loaders add one on Invoice.Total). */
  comments: boolean;
  /** Statements running on the server right now that contain `concurrency_probe`, where it can tell. */
  observeConcurrency?: () => Promise<number>;
  /** Skips the slow-statement checks (an HTTP API that runs SQLite in its own event loop cannot be interrupted). */
  slowStatements?: boolean;
}

/** Rejects with a `SqlError` of this code, whatever else. */
async function expectSqlError(promise: Promise<unknown>, code: SqlErrorCode, message?: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isSqlError(error)) throw new Error(`expected a SqlError ${code}, got ${String(error)}`);
  expect(error.code).toBe(code);
  if (message !== undefined) expect(error.message).toMatch(message);
}

/**
 * The `SqlConnector` contract, run against every adapter on the same Chinook data: the same statements
 * must give the same rows (numbers, dates, text), and the limits must hold the same way.
 */
export function defineSqlConnectorContract(subject: ConnectorSubject): void {
  const n = subject.spell;
  const open: SqlConnector[] = [];
  const connector = (limits?: Partial<SourceLimits>) => {
    const created = subject.open(limits);
    open.push(created);
    return created;
  };
  const heavy = () => `SELECT count(*) AS n FROM ${n("Track")} a CROSS JOIN ${n("Track")} b CROSS JOIN ${n("Track")} c`;

  describe(`SqlConnector contract: ${subject.name}`, () => {
    afterAll(async () => {
      await Promise.all(open.map((each) => each.close()));
    });

    it("tests its connection", async () => {
      const result = await connector().testConnection();
      expect(result).toMatchObject({ ok: true });
    });

    it("returns typed columns and the same rows as every other engine", async () => {
      const source = connector();
      const invoices = await source.execute(
        `SELECT ${n("InvoiceId")}, ${n("InvoiceDate")}, ${n("Total")}, ${n("BillingCountry")} FROM ${n("Invoice")} WHERE ${n("InvoiceId")} IN (1, 98, 412) ORDER BY ${n("InvoiceId")}`,
      );
      expect(invoices.columns.map((column) => column.type)).toEqual(["number", "date", "number", "string"]);
      expect(invoices.rows).toEqual([
        [1, "2021-01-01T00:00:00", 1.98, "Germany"],
        [98, "2022-03-11T00:00:00", 3.98, "Brazil"],
        [412, "2025-12-22T00:00:00", 1.99, "India"],
      ]);
      expect(invoices.truncated).toBe(false);
      const revenue = await source.execute(
        `SELECT ${n("BillingCountry")} AS country, round(sum(${n("Total")}), 2) AS revenue, count(*) AS invoices FROM ${n("Invoice")} GROUP BY ${n("BillingCountry")} ORDER BY revenue DESC, country LIMIT 3`,
      );
      expect(revenue.rows).toEqual([
        ["USA", 523.06, 91],
        ["Canada", 303.96, 56],
        ["France", 195.1, 35],
      ]);
      const accents = await source.execute(`SELECT ${n("Name")} FROM ${n("Artist")} WHERE ${n("ArtistId")} IN (6, 262) ORDER BY ${n("ArtistId")}`);
      expect(accents.rows).toEqual([["Antônio Carlos Jobim"], ["Charles Dutoit & L'Orchestre Symphonique de Montréal"]]);
    });

    it("cuts results at the row cap and says so, and only then", async () => {
      const source = connector({ rowCap: 10 });
      const all = await source.execute(`SELECT ${n("TrackId")} FROM ${n("Track")} ORDER BY ${n("TrackId")}`);
      expect(all.rows).toHaveLength(10);
      expect(all.truncated).toBe(true);
      const exact = await source.execute(`SELECT ${n("TrackId")} FROM ${n("Track")} ORDER BY ${n("TrackId")} LIMIT 10`);
      expect(exact.rows).toHaveLength(10);
      expect(exact.truncated).toBe(false);
      const fewer = await source.execute(`SELECT ${n("GenreId")} FROM ${n("Genre")}`, { maxRows: 3 });
      expect(fewer.rows).toHaveLength(3);
      expect(fewer.truncated).toBe(true);
      const more = await source.execute(`SELECT ${n("GenreId")} FROM ${n("Genre")}`, { maxRows: 500 });
      expect(more.rows).toHaveLength(10);
    });

    it("refuses writes and stacked statements before they reach the database", async () => {
      const source = connector();
      await expectSqlError(source.execute(`DELETE FROM ${n("Track")}`), "guard_refused");
      await expectSqlError(source.execute(`UPDATE ${n("Genre")} SET ${n("Name")} = 'x'`), "guard_refused");
      await expectSqlError(source.execute(`SELECT 1; DROP TABLE ${n("Track")}`), "guard_refused");
      const count = await source.execute(`SELECT count(*) FROM ${n("Track")}`);
      expect(count.rows).toEqual([[chinookRowCounts.Track]]);
    });

    it("reports the database's own message for a failing statement", async () => {
      await expectSqlError(connector().execute(`SELECT no_such_column FROM ${n("Track")}`), subject.statementErrorCode, /no_such_column/i);
    });

    it.skipIf(subject.slowStatements === false)("stops a statement at the timeout, and keeps working", async () => {
      const source = connector({ statementTimeoutMs: 1_000 });
      const started = performance.now();
      await expectSqlError(source.execute(heavy()), "timeout", /1000 ms/);
      expect(performance.now() - started).toBeLessThan(5_000);
      const after = await source.execute(`SELECT count(*) FROM ${n("Genre")}`);
      expect(after.rows).toEqual([[chinookRowCounts.Genre]]);
    });

    it.skipIf(subject.slowStatements === false)("stops a statement when the caller's signal aborts", async () => {
      const source = connector({ statementTimeoutMs: 20_000 });
      const started = performance.now();
      await expectSqlError(source.execute(heavy(), { signal: AbortSignal.timeout(300) }), "cancelled");
      expect(performance.now() - started).toBeLessThan(5_000);
      expect((await source.execute("SELECT 1")).rows).toEqual([[1]]);
    });

    it.skipIf(subject.slowStatements === false)("holds the concurrency cap", async () => {
      const source = connector({ concurrencyCap: 2, statementTimeoutMs: 60_000 });
      const probe = `SELECT count(*) AS concurrency_probe FROM ${n("Track")} a CROSS JOIN ${n("Track")} b WHERE a.${n("Milliseconds")} > b.${n("Milliseconds")}`;
      let observed = 0;
      let running = true;
      const watcher = (async () => {
        while (running && subject.observeConcurrency !== undefined) {
          observed = Math.max(observed, await subject.observeConcurrency());
          await new Promise((resolve) => setTimeout(resolve, 15));
        }
      })();
      const results = await Promise.all(Array.from({ length: 5 }, () => source.execute(probe))).finally(() => (running = false));
      await watcher;
      expect(results.map((result) => result.rows[0]?.[0])).toEqual(Array.from({ length: 5 }, () => results[0]?.rows[0]?.[0]));
      if (subject.observeConcurrency !== undefined) {
        expect(observed).toBeLessThanOrEqual(2);
        expect(observed).toBeGreaterThanOrEqual(1);
      }
    });

    it("introspects Chinook: tables, keys, foreign keys, counts, samples and comments", async () => {
      const schema = await connector().introspect();
      expect(schema.tables).toHaveLength(11);
      const table = (name: string) => schema.tables.find((candidate) => candidate.name === n(name));
      const invoice = table("Invoice");
      expect(invoice?.primaryKey).toEqual([n("InvoiceId")]);
      expect(invoice?.foreignKeys).toEqual([{ columns: [n("CustomerId")], referencedTable: expect.stringMatching(new RegExp(`(^|\\.)${n("Customer")}$`)) as unknown, referencedColumns: [n("CustomerId")] }]);
      expect(table("PlaylistTrack")?.primaryKey).toEqual([n("PlaylistId"), n("TrackId")]);
      expect(table("Track")?.foreignKeys).toHaveLength(3);
      for (const [name, rows] of Object.entries(chinookRowCounts)) expect({ name, rows: table(name)?.rowCount }).toEqual({ name, rows });
      expect(table("MediaType")?.columns.find((column) => column.name === n("Name"))?.sampleValues).toContain("MPEG audio file");
      expect(invoice?.columns.find((column) => column.name === n("Total"))).toMatchObject({ family: "number", nullable: false });
      expect(invoice?.columns.find((column) => column.name === n("InvoiceDate"))?.family).toBe("date");
      if (subject.comments) {
        expect(invoice?.comment).toBe(chinookComments.table);
        expect(invoice?.columns.find((column) => column.name === n("Total"))?.comment).toBe(chinookComments.column);
      }
    });

    it("refuses work once closed", async () => {
      const source = subject.open();
      await source.close();
      await expectSqlError(source.execute("SELECT 1"), "closed");
    });
  });
}
