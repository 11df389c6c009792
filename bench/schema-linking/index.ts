/**
 * `npm run bench -- schema-linking [--items FILE] [--tables FILE] [--databases DIR] [--no-values]`
 * Schema-linking quality on Spider dev, with no model involved: for each question, `linkSchema` picks
 * tables and columns from the schema built from `tables.json` (sample values of low-cardinality text
 * columns come from Spider's SQLite files when `--databases` has them), and the pick is compared with the
 * tables and columns of the gold SQL (`dev_gold_schema_items.json`). Recall is the mean share of a
 * question's gold tables (columns) kept, over questions that have any; `tables_kept` and `columns_kept`
 * are the mean share of the database's tables (columns) kept. The gold items are read only to score.
 * The last line is the JSON result.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { linkSchema } from "@tandem/sql";
import { readGoldItems, readSpiderSchemas } from "./spider-schemas.ts";

const spider = path.join("..", "shared", "data", "spider");
const { values } = parseArgs({
  options: {
    items: { type: "string", default: path.join(spider, "dev_gold_schema_items.json") },
    tables: { type: "string", default: path.join(spider, "tables.json") },
    databases: { type: "string", default: path.join(spider, "database") },
    "no-values": { type: "boolean", default: false },
    misses: { type: "boolean", default: false },
  },
});

const mean = (samples: number[]) => (samples.length === 0 ? Number.NaN : samples.reduce((sum, value) => sum + value, 0) / samples.length);
const percentile = (samples: number[], fraction: number) =>
  [...samples].sort((left, right) => left - right)[Math.min(samples.length - 1, Math.floor(fraction * samples.length))] ?? Number.NaN;
const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

const schemas = await readSpiderSchemas(path.resolve(values.tables ?? ""), values["no-values"] ? {} : { databaseDir: path.resolve(values.databases ?? "") });
const items = await readGoldItems(path.resolve(values.items ?? ""));
console.error(`${items.length} questions over ${schemas.size} schemas`);

const tableRecall: number[] = [];
const columnRecall: number[] = [];
const tablesKept: number[] = [];
const columnsKept: number[] = [];
const latencies: number[] = [];
for (const [index, item] of items.entries()) {
  const schema = schemas.get(item.db_id);
  if (schema === undefined) throw new Error(`${item.db_id} is not in the tables file`);
  const started = performance.now();
  const linked = await linkSchema(item.question, schema);
  latencies.push(performance.now() - started);
  const keptTables = new Set(linked.tables.map((table) => table.name));
  const keptColumns = new Set(linked.tables.flatMap((table) => table.columns.map((column) => `${table.name}.${column}`)));
  tableRecall.push(item.gold_tables.filter((table) => keptTables.has(table)).length / item.gold_tables.length);
  if (item.gold_columns.length > 0) columnRecall.push(item.gold_columns.filter((column) => keptColumns.has(column)).length / item.gold_columns.length);
  tablesKept.push(linked.tablesKept / linked.tablesTotal);
  columnsKept.push(linked.columnsKept / linked.columnsTotal);
  if (values.misses) {
    const missed = [...item.gold_tables.filter((table) => !keptTables.has(table)), ...item.gold_columns.filter((column) => !keptColumns.has(column))];
    if (missed.length > 0) console.error(`miss ${item.db_id} | ${item.question} | ${missed.join(", ")} | kept ${[...keptColumns].join(" ")}`);
  }
  if ((index + 1) % 250 === 0) console.error(`${index + 1}/${items.length}`);
}

console.log(
  JSON.stringify({
    bench: "schema-linking",
    questions: items.length,
    table_recall: round(mean(tableRecall)),
    column_recall: round(mean(columnRecall)),
    tables_kept: round(mean(tablesKept)),
    columns_kept: round(mean(columnsKept)),
    p50_ms: round(percentile(latencies, 0.5), 3),
    p99_ms: round(percentile(latencies, 0.99), 3),
  }),
);
