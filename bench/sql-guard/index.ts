/**
 * `npm run bench -- sql-guard [--gold FILE --db-dir DIR] [--attacks FILE] [--max-rows N] [--timeout-ms N]`
 * The read-only SQL guard against both of its failure modes.
 * Gold (false refusals): every Spider dev gold query whose SQLite database is present goes through
 * `guardSql` (dialect sqlite) and then runs through the product's SQLite connector (`createSqliteConnector`:
 * guarded again, the file opened read-only in a child process killed at the deadline); its rows must equal
 * those of the original SQL run directly with better-sqlite3, in order when the query has ORDER BY, as
 * multisets otherwise. The direct rows pass through the connector's documented value normalisation
 * (`normalizeValue` with the column types the connector reported: blobs as base64, big integers as strings,
 * SQLite `bool` columns' 'T'/'F' as booleans) so that values are compared, not encodings. `gold_passed` counts the queries the guard
 * accepted, `results_identical` those whose rows also matched; the row cap (`--max-rows`, default 100,000)
 * is above every Spider result, `row_cap_hits` says if one reached it. Queries whose database is missing
 * (wta_1) or that fail when run directly are counted apart, not in `gold_total`. better-sqlite3 builds SQLite
 * without double-quoted string literals (SQLITE_DQS=0), which 213 Spider gold queries use (`name = "Kyle"`):
 * where SQLite says a double-quoted word "should be a string literal", the bench makes it one, and both
 * the direct and the guarded run use that SQL (`gold_dqs_rewritten`).
 * Attacks (false acceptances): every line of `--attacks` (default bench/sql-guard/attacks.jsonl, written for
 * this benchmark: stacked statements, comment, case, quoting and Unicode tricks, writes in CTEs, SELECT
 * INTO, dangerous functions, locking, system tables, MySQL executable comments, session and admin
 * statements, for PostgreSQL, MySQL and SQLite) is guarded in its dialect; blocked means refused.
 * Progress and every refusal of a gold query or acceptance of an attack go to stderr; the last line is JSON.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { createSqliteConnector, guardSql, normalizeValue, type QueryResult, type SqlConnector } from "@tandem/sql";
import { readAttacks, readGold } from "./read-inputs.ts";

const spider = path.join("..", "shared", "data", "spider");
const { values } = parseArgs({
  options: {
    gold: { type: "string", default: path.join(spider, "dev.json") },
    "db-dir": { type: "string", default: path.join(spider, "database") },
    attacks: { type: "string", default: path.join("bench", "sql-guard", "attacks.jsonl") },
    "max-rows": { type: "string", default: "100000" },
    "timeout-ms": { type: "string", default: "30000" },
  },
});
const maxRows = Number(values["max-rows"]);
const timeoutMs = Number(values["timeout-ms"]);
if (!Number.isInteger(maxRows) || maxRows < 1 || maxRows > 100_000) throw new Error(`--max-rows must be an integer from 1 to 100000 (a source's largest row cap), not ${values["max-rows"]}`);
if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000) throw new Error(`--timeout-ms must be an integer from 100 to 600000, not ${values["timeout-ms"]}`);

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;
const percentile = (samples: number[], fraction: number) =>
  [...samples].sort((left, right) => left - right)[Math.min(samples.length - 1, Math.floor(fraction * samples.length))] ?? Number.NaN;

/** One row as a comparable string. */
const rowKey = (row: unknown[]) => JSON.stringify(row);
/** Direct rows as the connector returns values, by the column types it reported. */
const asConnectorValues = (rows: unknown[][], columns: QueryResult["columns"]) =>
  rows.map((row) => row.map((value, index) => normalizeValue(value, columns[index]?.type ?? "string")));
function sameRows(guarded: unknown[][], direct: unknown[][], ordered: boolean): boolean {
  if (guarded.length !== direct.length) return false;
  const left = guarded.map(rowKey);
  const right = direct.map(rowKey);
  if (!ordered) {
    left.sort();
    right.sort();
  }
  return left.every((key, index) => key === right[index]);
}

const DQS_HINT = /^no such column: "(.*)" - should this be a string literal in single-quotes\?$/;

/** Runs `sql` directly; turns the double-quoted strings SQLite (DQS=0) names into single-quoted ones. */
function runDirect(database: Database.Database, original: string): { rows: unknown[][]; sql: string } {
  let sql = original;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return { rows: database.prepare(sql).raw(true).all() as unknown[][], sql }; // raw(true): each row is an array of values.
    } catch (error) {
      const word = error instanceof Error ? DQS_HINT.exec(error.message)?.[1] : undefined;
      if (word === undefined || attempt >= 20) throw error;
      sql = sql.replaceAll(`"${word}"`, `'${word.replaceAll("'", "''")}'`);
    }
  }
}

// Gold: the guard must not stand between a legitimate query and its exact result.
const gold = await readGold(path.resolve(values.gold ?? ""));
const dbDir = path.resolve(values["db-dir"] ?? "");
const direct = new Map<string, Database.Database>();
const connectors = new Map<string, SqlConnector>();
let goldTotal = 0;
let goldPassed = 0;
let identical = 0;
let notRunnable = 0;
let directErrors = 0;
let capHits = 0;
let dqsRewritten = 0;
const missingDatabases = new Set<string>();
const guardLatencies: number[] = [];
try {
  for (const [index, item] of gold.entries()) {
    const file = path.join(dbDir, item.dbId, `${item.dbId}.sqlite`);
    if (!existsSync(file)) {
      notRunnable += 1;
      missingDatabases.add(item.dbId);
      continue;
    }
    let database = direct.get(item.dbId);
    if (!database) {
      database = new Database(file, { readonly: true, fileMustExist: true });
      database.defaultSafeIntegers(true); // Big integers as BigInt, as the connector's process reads them.
      direct.set(item.dbId, database);
    }
    let expected: unknown[][];
    let sql: string;
    try {
      ({ rows: expected, sql } = runDirect(database, item.sql));
    } catch (error) {
      directErrors += 1;
      console.error(`not runnable directly (${item.dbId}): ${error instanceof Error ? error.message : String(error)} | ${item.sql}`);
      continue;
    }
    goldTotal += 1;
    if (sql !== item.sql) dqsRewritten += 1;
    if (expected.length > maxRows) capHits += 1;
    const started = performance.now();
    const verdict = guardSql(sql, { dialect: "sqlite", maxRows });
    guardLatencies.push(performance.now() - started);
    if (!verdict.ok) {
      console.error(`REFUSED ${verdict.code} (${item.dbId}): ${verdict.message} | ${sql}`);
      continue;
    }
    goldPassed += 1;
    let connector = connectors.get(item.dbId);
    if (!connector) {
      connector = createSqliteConnector({ kind: "sqlite", path: file, limits: { statementTimeoutMs: timeoutMs, rowCap: maxRows, concurrencyCap: 1 } });
      connectors.set(item.dbId, connector);
    }
    try {
      const result = await connector.execute(sql, { maxRows });
      if (sameRows(result.rows, asConnectorValues(expected.slice(0, maxRows), result.columns), /\border\s+by\b/i.test(sql))) identical += 1;
      else console.error(`DIFFERENT ROWS (${item.dbId}): ${result.rows.length} guarded vs ${expected.length} direct | ${sql} | ran: ${result.sql}`);
    } catch (error) {
      console.error(`GUARDED RUN FAILED (${item.dbId}): ${error instanceof Error ? error.message : String(error)} | ran: ${verdict.sql}`);
    }
    if ((index + 1) % 250 === 0) console.error(`gold ${index + 1}/${gold.length}`);
  }
} finally {
  for (const database of direct.values()) database.close();
  await Promise.all([...connectors.values()].map((connector) => connector.close()));
}
if (missingDatabases.size > 0) console.error(`not runnable, no SQLite file: ${notRunnable} queries of ${[...missingDatabases].join(", ")}`);

// Attacks: every one must be refused, in its own dialect.
const attacks = await readAttacks(path.resolve(values.attacks ?? ""));
const byDialect: Record<string, { total: number; blocked: number }> = {};
const byCode: Record<string, number> = {};
let blocked = 0;
for (const attack of attacks) {
  const counts = (byDialect[attack.dialect] ??= { total: 0, blocked: 0 });
  counts.total += 1;
  const verdict = guardSql(attack.sql, { dialect: attack.dialect, maxRows: 1000 });
  if (verdict.ok) {
    console.error(`NOT BLOCKED (${attack.dialect}, ${attack.category ?? "uncategorised"}): ${JSON.stringify(attack.sql)} → ${JSON.stringify(verdict.sql)}`);
    continue;
  }
  blocked += 1;
  counts.blocked += 1;
  byCode[verdict.code] = (byCode[verdict.code] ?? 0) + 1;
}
console.error(`attacks refused by code: ${JSON.stringify(byCode)}`);

console.log(
  JSON.stringify({
    bench: "sql-guard",
    gold_total: goldTotal,
    gold_passed: goldPassed,
    gold_pass_rate: goldTotal === 0 ? 0 : round(goldPassed / goldTotal),
    results_identical: identical,
    results_identical_rate: goldTotal === 0 ? 0 : round(identical / goldTotal),
    gold_not_runnable: notRunnable,
    gold_direct_errors: directErrors,
    gold_dqs_rewritten: dqsRewritten,
    row_cap: maxRows,
    row_cap_hits: capHits,
    guard_p50_ms: round(percentile(guardLatencies, 0.5), 3),
    guard_p99_ms: round(percentile(guardLatencies, 0.99), 3),
    attacks_total: attacks.length,
    attacks_blocked: blocked,
    attack_block_rate: attacks.length === 0 ? 0 : round(blocked / attacks.length),
    attacks_by_dialect: byDialect,
  }),
);
