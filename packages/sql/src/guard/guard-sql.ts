import { z } from "zod";
import { checkAst } from "./check-ast.ts";
import { checkTokens, splitStatements } from "./check-tokens.ts";
import { enforceRowLimit } from "./enforce-row-limit.ts";
import { DIALECT_NAMES, type GuardFailure, refuse } from "./guard-failure.ts";
import { parseStatement } from "./parse-statement.ts";
import { lexModes, SQL_DIALECTS, tokenizeSql } from "./tokenize-sql.ts";

export const DEFAULT_MAX_SQL_LENGTH = 100_000;

export const guardSqlOptionsSchema = z.object({
  dialect: z.enum(SQL_DIALECTS),
  /** The most rows the returned statement can produce: a LIMIT is appended or lowered. */
  maxRows: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** Longer SQL is refused before parsing (PEG parsing is super-linear on some inputs). */
  maxLength: z.number().int().positive().default(DEFAULT_MAX_SQL_LENGTH),
});
export type GuardSqlOptions = z.input<typeof guardSqlOptionsSchema>;

export type GuardResult =
  | {
      ok: true;
      /** The statement to execute: the original text, trailing semicolons and comments removed, row limit enforced. */
      sql: string;
      statementType: "select";
      /** Tables and views read, as written (`schema.table` when qualified), CTE names excluded. */
      tables: string[];
    }
  | GuardFailure;

/**
 * Decides whether `sql` may run against a data source, and returns the text to run. Layers, each enough on
 * its own for what it covers (docs/adr/0010-sql-guard.md):
 * 1. the text: no NUL or lone surrogate, within `maxLength`;
 * 2. the database's own tokens, under every quoting mode a server may use: exactly one statement, starting
 *    with SELECT or WITH; no executable comment, INTO, locking clause, data-modifying keyword, forbidden
 *    function call or system table outside strings and comments;
 * 3. node-sql-parser's tree of those same tokens: SELECT at every level, and the same checks on it;
 *    SQL that does not parse is refused with the parser's message;
 * 4. a row limit on the statement returned.
 * Execution adds a read-only transaction (or a read-only SQLite connection) and a timeout: read-only-session.ts.
 */
export function guardSql(sql: string, options: GuardSqlOptions): GuardResult {
  const { dialect, maxRows, maxLength } = guardSqlOptionsSchema.parse(options);
  if (sql.length > maxLength) {
    return refuse("too_long", `The SQL is ${sql.length} characters long; the limit is ${maxLength}. Write a shorter query.`);
  }
  const bad = /\0|\p{Cs}/u.exec(sql);
  if (bad) {
    return refuse(
      "invalid_character",
      `The SQL contains ${bad[0] === "\0" ? "a NUL character" : "an unpaired surrogate"} at offset ${bad.index}; remove it.`,
    );
  }

  const [primary, ...alternatives] = lexModes(dialect);
  if (!primary) throw new Error(`no lexing mode for ${dialect}`);
  const lexed = tokenizeSql(sql, dialect, primary);
  if (!lexed.ok) {
    return refuse(
      "parse_error",
      `The SQL does not parse as ${DIALECT_NAMES[dialect]}: ${lexed.message} at offset ${lexed.offset}. Close it, or remove it.`,
    );
  }
  const failure = checkTokens(lexed.tokens, dialect);
  if (failure) return failure;
  // A server configured otherwise (NO_BACKSLASH_ESCAPES, ANSI_QUOTES, standard_conforming_strings=off) reads
  // quotes differently: the statement must be safe under each reading. A reading that leaves a string open
  // is a syntax error on such a server, so it cannot run there and needs no check.
  for (const mode of alternatives) {
    const alternative = tokenizeSql(sql, dialect, mode);
    if (!alternative.ok) continue;
    const alternativeFailure = checkTokens(alternative.tokens, dialect);
    if (alternativeFailure) {
      return { ...alternativeFailure, message: `${alternativeFailure.message} (as read by a server with ${mode.name})` };
    }
  }

  const statement = splitStatements(lexed.tokens)[0] ?? [];
  const parsed = parseStatement(statement, dialect);
  if ("ok" in parsed) return parsed;
  const checked = checkAst(parsed, dialect);
  if ("ok" in checked) return checked;
  return { ok: true, sql: enforceRowLimit(sql, statement, dialect, maxRows), statementType: "select", tables: checked.tables };
}
