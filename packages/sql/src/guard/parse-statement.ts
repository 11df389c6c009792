import { createRequire } from "node:module";
import type * as NodeSqlParser from "node-sql-parser";
import { DIALECT_NAMES, type GuardFailure, refuse } from "./guard-failure.ts";
import type { SqlDialect, SqlToken } from "./tokenize-sql.ts";

/** node-sql-parser's grammars, one build each (loading the all-dialect bundle costs ~0.3 s). */
type Grammar = "postgresql" | "mysql" | "mariadb" | "sqlite";

/**
 * Grammars tried in order. node-sql-parser's SQLite grammar lacks INTERSECT/EXCEPT, NULLS FIRST/LAST and
 * more; what it cannot parse is tried with the PostgreSQL grammar on the same tokens. What no grammar parses
 * is refused: never executed on the strength of the token checks alone.
 */
const GRAMMARS: Record<SqlDialect, readonly Grammar[]> = {
  postgresql: ["postgresql"],
  mysql: ["mysql", "mariadb"],
  sqlite: ["sqlite", "postgresql"],
};

/**
 * Words that, in a SELECT of this dialect, can only be identifiers, while some node-sql-parser grammars
 * reserve them (Spider's `FROM show`): quoted for the parser unless a call follows.
 */
const IDENTIFIER_ONLY: Record<SqlDialect, ReadonlySet<string>> = {
  sqlite: new Set(
    "ADD CALL CONTAINS COUNT CURRENT_USER GENERATED GLOBAL JSON LOCAL LOW_PRIORITY PERSIST PERSIST_ONLY READ RENAME SESSION SESSION_USER SHOW STATUS SYSTEM_USER TRUNCATE USER WRITE".split(" "),
  ),
  postgresql: new Set("ADD CALL CONTAINS GLOBAL PERSIST PERSIST_ONLY READ RENAME SESSION SHOW STATUS TRUNCATE WRITE".split(" ")),
  mysql: new Set(),
};

export interface ParsedStatement {
  ast: unknown;
  tableList: string[];
}

const require = createRequire(import.meta.url);
const parsers = new Map<Grammar, NodeSqlParser.Parser>();

function parserFor(grammar: Grammar): NodeSqlParser.Parser {
  let parser = parsers.get(grammar);
  if (!parser) {
    // Safe: each build of node-sql-parser exports the same Parser class as its main entry (build/*.d.ts
    // re-export ../types); the per-dialect builds are CommonJS, hence require.
    const build = require(`node-sql-parser/build/${grammar}`) as typeof NodeSqlParser;
    parser = new build.Parser();
    parsers.set(grammar, parser);
  }
  return parser;
}

const quoteIdentifier = (grammar: Grammar, name: string) =>
  grammar === "postgresql" ? `"${name.replaceAll('"', '""')}"` : `\`${name.replaceAll("`", "``")}\``;

/**
 * The statement re-written for one grammar from the database's own tokens: comments dropped, strings and
 * quoted identifiers re-quoted in the one form every grammar reads the same way, and the few words the
 * grammar lacks mapped to equivalents of the same shape. The parser therefore sees exactly the token
 * sequence the database will see; only the executed text is the original.
 */
export function renderForGrammar(statement: readonly SqlToken[], dialect: SqlDialect, grammar: Grammar): string {
  let text = "";
  let previousEnd = -1;
  /** The gap before a token rendered as nothing carries over to the next one. */
  let pendingGap = "";
  for (let index = 0; index < statement.length; index += 1) {
    const token = statement[index];
    if (!token) continue;
    const gap = previousEnd >= 0 && token.start !== previousEnd ? " " : "";
    previousEnd = token.end;
    const next = statement[index + 1];
    let rendered = token.text;
    if (token.kind === "word") {
      const word = token.value.toUpperCase();
      const nextWord = next?.kind === "word" ? next.value.toUpperCase() : undefined;
      if (dialect === "postgresql" && word === "E" && next?.kind === "string" && next.start === token.end) rendered = "";
      else if (grammar === "sqlite" && (word === "INTERSECT" || word === "EXCEPT")) rendered = "UNION";
      else if (grammar === "sqlite" && word === "NULLS" && (nextWord === "FIRST" || nextWord === "LAST")) {
        index += 1; // Ordering of NULLs changes no table, function or clause the guard checks.
        previousEnd = next?.end ?? previousEnd;
        rendered = "";
      } else if (IDENTIFIER_ONLY[dialect].has(word) && !(next?.kind === "punct" && next.value === "(")) {
        rendered = quoteIdentifier(grammar, token.value);
      }
    } else if (token.kind === "quoted_identifier") {
      rendered = quoteIdentifier(grammar, token.value);
    } else if (token.kind === "string") {
      rendered = `'${token.value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
    }
    if (rendered === "") {
      pendingGap ||= gap;
      continue;
    }
    text += (pendingGap || gap) + rendered;
    pendingGap = "";
  }
  return text;
}

interface PegError {
  message: string;
  location?: { start?: { offset?: number } };
}

const isPegError = (value: unknown): value is PegError =>
  // The cast only reads `message`, whose type is checked right here.
  typeof value === "object" && value !== null && typeof (value as { message?: unknown }).message === "string";

/** Parses the single statement with the dialect's grammars; the first grammar's message on failure. */
export function parseStatement(statement: readonly SqlToken[], dialect: SqlDialect): ParsedStatement | GuardFailure {
  let firstError: { message: string; near: string } | undefined;
  for (const grammar of GRAMMARS[dialect]) {
    const text = renderForGrammar(statement, dialect, grammar);
    try {
      const parsed = parserFor(grammar).parse(text, { database: grammar });
      return { ast: parsed.ast, tableList: parsed.tableList };
    } catch (error) {
      if (firstError) continue;
      const message = isPegError(error) ? error.message : String(error);
      const offset = isPegError(error) ? (error.location?.start?.offset ?? -1) : -1;
      firstError = { message, near: offset >= 0 ? text.slice(offset, offset + 40) : "" };
    }
  }
  const message = (firstError?.message ?? "unknown parser error").replace(/\s+/g, " ");
  const shortened = message.length > 400 ? `${message.slice(0, 400)}…` : message;
  const near = firstError?.near ? ` near "${firstError.near}"` : "";
  return refuse(
    "parse_error",
    `The SQL does not parse as ${DIALECT_NAMES[dialect]}${near}: ${shortened} Fix the syntax; write one ${DIALECT_NAMES[dialect]} SELECT statement.`,
  );
}
