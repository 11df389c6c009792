import { forbiddenFunctionReason, isForbiddenSchema, isForbiddenTable } from "./forbidden-names.ts";
import { type GuardFailure, refuse } from "./guard-failure.ts";
import type { SqlDialect, SqlToken } from "./tokenize-sql.ts";

/** Characters that render as nothing or as a space but are not whitespace to any of the databases. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}\p{Co}\p{Cn}]/u;

/** The statement's tokens without comments, split at top-level semicolons into non-empty statements. */
export function splitStatements(tokens: readonly SqlToken[]): SqlToken[][] {
  const statements: SqlToken[][] = [];
  let current: SqlToken[] = [];
  for (const token of tokens) {
    if (token.kind === "comment") continue;
    if (token.kind === "punct" && token.value === ";") {
      if (current.length > 0) statements.push(current);
      current = [];
      continue;
    }
    current.push(token);
  }
  if (current.length > 0) statements.push(current);
  return statements;
}

const upper = (token: SqlToken | undefined) => (token?.kind === "word" ? token.value.toUpperCase() : undefined);
const isPunct = (token: SqlToken | undefined, value: string) => token?.kind === "punct" && token.value === value;
const describe = (token: SqlToken) => (token.text.length > 40 ? `${token.text.slice(0, 40)}…` : token.text);

/**
 * Checks on the database's own reading of the text (see tokenize-sql.ts): one statement, starting with
 * SELECT or WITH, with no executable comment, locking clause, INTO, data-modifying keyword, forbidden
 * function call or forbidden system table anywhere outside strings and comments.
 */
export function checkTokens(tokens: readonly SqlToken[], dialect: SqlDialect): GuardFailure | undefined {
  for (const token of tokens) {
    if (token.kind === "invalid") {
      const codePoint = token.text.codePointAt(0) ?? 0;
      return refuse(
        "invalid_character",
        `The SQL contains the control character U+${codePoint.toString(16).toUpperCase().padStart(4, "0")} at offset ${token.start}; remove it.`,
      );
    }
    if (token.kind === "comment" && token.commentKind === "executable") {
      return refuse(
        "forbidden_syntax",
        `MySQL executable comments (${describe(token)}) are not allowed: the server runs their content as SQL. Remove the comment.`,
      );
    }
    if (token.kind === "comment" && token.commentKind === "hint") {
      return refuse(
        "forbidden_syntax",
        `Optimizer hint comments (${describe(token)}) are not allowed: they can change server settings such as the time limit. Remove the comment.`,
      );
    }
    if (token.kind === "word") {
      const invisible = INVISIBLE.exec(token.value);
      if (invisible) {
        const codePoint = invisible[0].codePointAt(0) ?? 0;
        return refuse(
          "invalid_character",
          `The SQL contains the invisible character U+${codePoint.toString(16).toUpperCase().padStart(4, "0")} inside "${describe(token)}" at offset ${token.start + invisible.index}; replace it with a plain space or remove it.`,
        );
      }
    }
  }

  const statements = splitStatements(tokens);
  if (statements.length === 0) return refuse("empty", "The SQL is empty (only whitespace, comments or semicolons). Write one SELECT statement.");
  if (statements.length > 1) {
    return refuse(
      "not_single_statement",
      `Found ${statements.length} statements separated by semicolons. Send exactly one SELECT statement, with nothing after its final semicolon.`,
    );
  }
  const statement = statements[0] ?? [];

  // Allow-list on the statement kind: SELECT or WITH, optionally inside parentheses (not in SQLite).
  let first = 0;
  while (dialect !== "sqlite" && isPunct(statement[first], "(")) first += 1;
  const keyword = upper(statement[first]);
  if (keyword !== "SELECT" && keyword !== "WITH") {
    const found = statement[first];
    return refuse(
      "not_select",
      `Only a read-only query is allowed: one SELECT, or WITH … SELECT. This statement starts with ${found ? `"${describe(found)}"` : "nothing"}. Rewrite it as a SELECT that returns the rows you need.`,
    );
  }

  for (let index = 0; index < statement.length; index += 1) {
    const token = statement[index];
    if (!token) continue;
    const word = upper(token);
    const next = statement[index + 1];
    const nextWord = upper(next);

    if (word === "FOR" && (nextWord === "UPDATE" || nextWord === "SHARE" || nextWord === "NO" || nextWord === "KEY")) {
      return refuse(
        "locking_clause",
        `Locking clauses (FOR UPDATE, FOR SHARE, FOR NO KEY UPDATE, FOR KEY SHARE) are not allowed in a read-only query. Remove "FOR ${nextWord}…".`,
      );
    }
    if (word === "LOCK" && nextWord === "IN") {
      return refuse("locking_clause", 'Locking clauses (LOCK IN SHARE MODE) are not allowed in a read-only query. Remove "LOCK IN SHARE MODE".');
    }
    if (word === "INTO") {
      return refuse(
        "select_into",
        "SELECT … INTO writes a new table, a file or variables. Remove the INTO clause: the query's rows are returned to you as they are.",
      );
    }
    if (word === "INSERT" || word === "UPDATE" || word === "DELETE" || (word === "MERGE" && dialect === "postgresql")) {
      return refuse(
        "not_select",
        `${word} changes data and is not allowed anywhere in the query, not even inside WITH. If "${token.text}" is a column or table name, quote it as an identifier; otherwise rewrite the query as a plain SELECT.`,
      );
    }
    if (dialect === "postgresql" && word === "U" && isPunct(next, "&") && next?.start === token.end) {
      const quoted = statement[index + 2];
      if (quoted?.kind === "quoted_identifier" && quoted.start === next.end) {
        return refuse(
          "forbidden_syntax",
          `Unicode-escaped identifiers (U&"…") are not allowed: their escapes hide which function or table they name. Write ${describe(quoted)} as a plain identifier.`,
        );
      }
    }
    if (dialect === "mysql" && isPunct(token, ":=")) {
      return refuse("forbidden_syntax", "Assigning user variables with := is not allowed. Compute the value in the SELECT list instead.");
    }
    if ((token.kind === "word" || token.kind === "quoted_identifier" || token.kind === "string") && isPunct(next, "(")) {
      const reason = forbiddenFunctionReason(token.value);
      if (reason) {
        return refuse("forbidden_function", `The function ${token.value}() is not allowed: it ${reason}. Rewrite the query without it.`);
      }
    }
    if (token.kind === "word" || token.kind === "quoted_identifier") {
      if (isForbiddenTable(dialect, token.value) || (isPunct(next, ".") && isForbiddenSchema(dialect, token.value))) {
        return refuse(
          "forbidden_table",
          `${token.value} is a system ${isPunct(next, ".") ? "schema" : "table"} that holds credentials, other sessions' activity or server settings, and cannot be queried here. Query the application's own tables instead.`,
        );
      }
    }
  }
  return undefined;
}
