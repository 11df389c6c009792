import type { SqlDialect, SqlToken } from "./tokenize-sql.ts";

/** The alias of the wrapping subquery, when the limit cannot be enforced in place. */
export const LIMIT_WRAPPER_ALIAS = "tandem_limited";

const isInteger = (token: SqlToken | undefined) => token?.kind === "word" && /^\d+$/.test(token.value);
const isWord = (token: SqlToken | undefined, word: string) => token?.kind === "word" && token.value.toUpperCase() === word;
const isPunct = (token: SqlToken | undefined, value: string) => token?.kind === "punct" && token.value === value;

/**
 * The statement text to execute, returning at most `maxRows` rows. `statement` is the single statement's
 * tokens (comments and semicolons excluded) over `sql`.
 *
 * Edits in place rather than wrapping whenever it can, because wrapping changes results: MariaDB drops
 * ORDER BY inside a derived table without LIMIT, and MySQL refuses a derived table with two columns of the
 * same name (`SELECT a.id, b.id …`). So: no top-level LIMIT, OFFSET or FETCH → `LIMIT n` is appended
 * (it applies to a whole UNION); `LIMIT k` or `LIMIT o, k` or `LIMIT k OFFSET o` with literal k → k is
 * lowered to n when larger; anything else (LIMIT ALL, an expression, FETCH FIRST, OFFSET alone) → the
 * statement becomes `SELECT * FROM (…) AS tandem_limited LIMIT n`, where its own LIMIT keeps its order.
 */
export function enforceRowLimit(sql: string, statement: readonly SqlToken[], dialect: SqlDialect, maxRows: number): string {
  const start = statement[0]?.start ?? 0;
  const end = statement.at(-1)?.end ?? 0;
  // From the first token to the last: leading comments and semicolons and trailing ones go.
  const body = sql.slice(start, end);
  let depth = 0;
  let limitIndex = -1;
  let hasOffsetOrFetch = false;
  statement.forEach((token, index) => {
    if (isPunct(token, "(")) depth += 1;
    else if (isPunct(token, ")")) depth -= 1;
    else if (depth === 0 && isWord(token, "LIMIT")) limitIndex = index;
    else if (depth === 0 && (isWord(token, "OFFSET") || (dialect !== "sqlite" && isWord(token, "FETCH")))) hasOffsetOrFetch = true;
  });

  const wrap = () => `SELECT * FROM (\n${body}\n) AS ${LIMIT_WRAPPER_ALIAS}\nLIMIT ${maxRows}`;
  if (limitIndex < 0) return hasOffsetOrFetch ? wrap() : `${body}\nLIMIT ${maxRows}`;

  const tail = statement.slice(limitIndex + 1);
  let count: SqlToken | undefined;
  if (tail.length === 1 && isInteger(tail[0])) count = tail[0];
  else if (dialect !== "postgresql" && tail.length === 3 && isInteger(tail[0]) && isPunct(tail[1], ",") && isInteger(tail[2])) count = tail[2];
  else if (tail.length === 3 && isInteger(tail[0]) && isWord(tail[1], "OFFSET") && isInteger(tail[2])) count = tail[0];
  if (!count) return wrap();
  if (BigInt(count.value) <= BigInt(maxRows)) return body;
  return `${sql.slice(start, count.start)}${maxRows}${sql.slice(count.end, end)}`;
}
