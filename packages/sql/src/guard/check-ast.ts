import { forbiddenFunctionReason, isForbiddenSchema, isForbiddenTable } from "./forbidden-names.ts";
import { type GuardFailure, refuse } from "./guard-failure.ts";
import type { ParsedStatement } from "./parse-statement.ts";
import type { SqlDialect } from "./tokenize-sql.ts";

/** node-sql-parser's `type` for statements other than SELECT (expression types are different words). */
const STATEMENT_TYPES = new Set([
  "insert",
  "replace",
  "update",
  "delete",
  "merge",
  "upsert",
  "create",
  "drop",
  "alter",
  "truncate",
  "rename",
  "use",
  "show",
  "set",
  "lock",
  "unlock",
  "grant",
  "revoke",
  "call",
  "exec",
  "execute",
  "attach",
  "detach",
  "pragma",
  "load_data",
  "transaction",
  "explain",
  "deallocate",
  "declare",
  "prepare",
  "copy",
  "analyze",
  "vacuum",
  "reindex",
  "do",
  "listen",
  "notify",
  "kill",
  "handler",
]);

type AstRecord = Record<string, unknown>;
const isRecord = (value: unknown): value is AstRecord => typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** A function node's name parts: `{ name: [{ value }], schema }` in node-sql-parser 5, a string for aggregates. */
function functionName(node: AstRecord): string | undefined {
  const name = node.name;
  if (typeof name === "string") return name;
  if (isRecord(name) && Array.isArray(name.name)) {
    const last: unknown = name.name.at(-1);
    if (isRecord(last)) return text(last.value);
  }
  return undefined;
}

const notSelect = (type: string) =>
  refuse(
    "not_select",
    `The query contains a ${type.toUpperCase()} statement; only SELECT (and WITH … SELECT) is allowed, at every level. Rewrite it as a plain SELECT.`,
  );

/**
 * Checks the parser's tree as an allow-list: the root and every nested statement (CTE bodies, subqueries
 * in FROM, WHERE and the SELECT list, UNION arms) must be SELECT; no INTO, no locking clause, no variable
 * assignment, no forbidden function or system table at any depth. Returns the tables read, CTE names excluded.
 */
export function checkAst(parsed: ParsedStatement, dialect: SqlDialect): GuardFailure | { tables: string[] } {
  const roots = Array.isArray(parsed.ast) ? parsed.ast : [parsed.ast];
  if (roots.length !== 1) {
    return refuse("not_single_statement", `Found ${roots.length} statements. Send exactly one SELECT statement.`);
  }
  const root: unknown = roots[0];
  if (!isRecord(root) || root.type !== "select") return notSelect(isRecord(root) ? (text(root.type) ?? "non-SELECT") : "non-SELECT");

  const cteNames = new Set<string>();
  const stack: unknown[] = [root];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      stack.push(...(node as unknown[])); // Array.isArray narrows to any[]; the elements are checked when popped.
      continue;
    }
    const record = node as AstRecord; // A non-null, non-array object: its fields are read as unknown and checked.
    const type = text(record.type);
    if (type && STATEMENT_TYPES.has(type)) return notSelect(type);
    for (const key of ["ast", "_next"]) {
      const nested = record[key];
      if (nested === undefined || nested === null) continue;
      if (!isRecord(nested) || nested.type !== "select") return notSelect(isRecord(nested) ? (text(nested.type) ?? "non-SELECT") : "non-SELECT");
    }
    const into = record.into;
    if (isRecord(into) && ((into.position ?? null) !== null || (into.expr ?? null) !== null)) {
      return refuse("select_into", "SELECT … INTO writes a new table, a file or variables. Remove the INTO clause: the rows are returned to you as they are.");
    }
    for (const key of ["for_update", "locking_read"]) {
      if (record[key]) return refuse("locking_clause", `Locking clauses (${text(record[key]) ?? "FOR UPDATE"}) are not allowed in a read-only query. Remove it.`);
    }
    if (type === "assign") return refuse("forbidden_syntax", "Assigning variables inside a query is not allowed. Compute the value in the SELECT list instead.");
    if (type === "function" || type === "aggr_func" || type === "tablefunc") {
      const name = functionName(record);
      const reason = name === undefined ? undefined : forbiddenFunctionReason(name);
      if (name !== undefined && reason) {
        return refuse("forbidden_function", `The function ${name}() is not allowed: it ${reason}. Rewrite the query without it.`);
      }
    }
    const table = text(record.table);
    if (table !== undefined && "db" in record) {
      const schema = text(record.db) ?? text(record.schema);
      if (isForbiddenTable(dialect, table) || (schema !== undefined && isForbiddenSchema(dialect, schema))) {
        return refuse(
          "forbidden_table",
          `${schema ? `${schema}.` : ""}${table} is a system table that holds credentials, other sessions' activity or server settings, and cannot be queried here. Query the application's own tables instead.`,
        );
      }
    }
    if (Array.isArray(record.with)) {
      for (const cte of record.with as unknown[]) {
        const name = isRecord(cte) && isRecord(cte.name) ? text(cte.name.value) : isRecord(cte) ? text(cte.name) : undefined;
        if (name !== undefined) cteNames.add(name.toLowerCase());
      }
    }
    for (const value of Object.values(record)) if (typeof value === "object" && value !== null) stack.push(value);
  }

  const tables: string[] = [];
  for (const entry of parsed.tableList) {
    const [kind = "", db = "null", table = ""] = entry.split("::");
    if (kind.toLowerCase() !== "select") return notSelect(kind);
    const schema = db === "null" ? undefined : db;
    if (schema === undefined && cteNames.has(table.toLowerCase())) continue;
    const name = schema === undefined ? table : `${schema}.${table}`;
    if (!tables.includes(name)) tables.push(name);
  }
  return { tables };
}
