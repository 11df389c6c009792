/**
 * A lexer that splits SQL the way the target database does: where its strings, quoted identifiers and
 * comments begin and end. The guard's checks on words and statement separators run on these tokens, so a
 * parser that reads a string differently from the database cannot hide code from them.
 *
 * Where a database setting changes the lexing (MySQL's NO_BACKSLASH_ESCAPES and ANSI_QUOTES, PostgreSQL's
 * standard_conforming_strings) the guard lexes once per setting: see `lexModes`.
 */
export const SQL_DIALECTS = ["postgresql", "mysql", "sqlite"] as const;
export type SqlDialect = (typeof SQL_DIALECTS)[number];

export type SqlTokenKind = "word" | "quoted_identifier" | "string" | "punct" | "comment" | "invalid";

export interface SqlToken {
  kind: SqlTokenKind;
  /** The text as written, quotes and escapes included. */
  text: string;
  /** Words and punctuation: the text. Quoted identifiers and strings: the content without quotes. */
  value: string;
  start: number;
  end: number;
  /** Comments only: MySQL runs `/*! … *\/` as code; `/*+ … *\/` carries optimizer hints. */
  commentKind?: "plain" | "executable" | "hint";
}

/** How a server setting makes the database lex quotes. */
export interface LexMode {
  name: string;
  /** A backslash escapes the next character inside '…' (MySQL's default; PostgreSQL with standard_conforming_strings off). */
  singleQuoteBackslash: boolean;
  /** MySQL without ANSI_QUOTES: "…" is a string with backslash escapes; otherwise a quoted identifier. */
  doubleQuoteIsString: boolean;
}

export type TokenizeResult = { ok: true; tokens: SqlToken[] } | { ok: false; message: string; offset: number };

const MODES: Record<SqlDialect, readonly LexMode[]> = {
  sqlite: [{ name: "default", singleQuoteBackslash: false, doubleQuoteIsString: false }],
  postgresql: [
    { name: "standard_conforming_strings=on", singleQuoteBackslash: false, doubleQuoteIsString: false },
    { name: "standard_conforming_strings=off", singleQuoteBackslash: true, doubleQuoteIsString: false },
  ],
  mysql: [
    { name: "default sql_mode", singleQuoteBackslash: true, doubleQuoteIsString: true },
    { name: "NO_BACKSLASH_ESCAPES", singleQuoteBackslash: false, doubleQuoteIsString: true },
    { name: "ANSI_QUOTES", singleQuoteBackslash: true, doubleQuoteIsString: false },
    { name: "NO_BACKSLASH_ESCAPES,ANSI_QUOTES", singleQuoteBackslash: false, doubleQuoteIsString: false },
  ],
};

/** The lexings a server of this dialect may apply, the default first. */
export function lexModes(dialect: SqlDialect): readonly LexMode[] {
  return MODES[dialect];
}

const isDigit = (code: number) => code >= 48 && code <= 57;
const isAsciiLetter = (code: number) => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
/** All three databases take every non-ASCII character as part of an unquoted identifier. */
const isWordChar = (code: number) => isAsciiLetter(code) || isDigit(code) || code === 95 || code === 36 || code >= 0x80;
const isSpace = (code: number) => code === 32 || code === 9 || code === 10 || code === 13 || code === 12 || code === 11;

/**
 * Splits `sql` into tokens (whitespace dropped, comments kept). Fails on an unterminated string, quoted
 * identifier or comment: the database would refuse those too, and guessing where they end is how code hides.
 */
export function tokenizeSql(sql: string, dialect: SqlDialect, mode: LexMode): TokenizeResult {
  const tokens: SqlToken[] = [];
  const length = sql.length;
  let index = 0;
  const push = (kind: SqlTokenKind, start: number, end: number, value?: string, commentKind?: SqlToken["commentKind"]) => {
    const text = sql.slice(start, end);
    tokens.push({ kind, text, value: value ?? text, start, end, ...(commentKind ? { commentKind } : {}) });
  };
  const fail = (message: string, offset: number): TokenizeResult => ({ ok: false, message, offset });

  /** Reads a quoted run starting at `start` (on the opening quote); returns its end and content, or -1. */
  const readQuoted = (start: number, close: string, backslash: boolean): { end: number; value: string } | undefined => {
    let value = "";
    let position = start + 1;
    while (position < length) {
      const char = sql[position] ?? "";
      if (backslash && char === "\\") {
        value += sql[position + 1] ?? "";
        position += 2;
        continue;
      }
      if (char === close) {
        if (sql[position + 1] === close && close !== "]") {
          value += close;
          position += 2;
          continue;
        }
        return { end: position + 1, value };
      }
      value += char;
      position += 1;
    }
    return undefined;
  };

  while (index < length) {
    const code = sql.charCodeAt(index);
    const char = sql[index] ?? "";
    const next = sql[index + 1];

    if (isSpace(code)) {
      index += 1;
      continue;
    }

    // Line comments: PostgreSQL and SQLite always; MySQL needs whitespace or a control character after "--".
    const dashComment =
      char === "-" &&
      next === "-" &&
      (dialect !== "mysql" || index + 2 >= length || sql.charCodeAt(index + 2) <= 32 || sql.charCodeAt(index + 2) === 127);
    if (dashComment || (dialect === "mysql" && char === "#")) {
      let end = index;
      // PostgreSQL ends a line comment at \r as well; SQLite and MySQL only at \n.
      while (end < length && sql[end] !== "\n" && !(dialect === "postgresql" && sql[end] === "\r")) end += 1;
      push("comment", index, end, undefined, "plain");
      index = end;
      continue;
    }

    if (char === "/" && next === "*") {
      let depth = 1;
      let position = index + 2;
      while (position < length && depth > 0) {
        if (sql[position] === "*" && sql[position + 1] === "/") {
          depth -= 1;
          position += 2;
        } else if (dialect === "postgresql" && sql[position] === "/" && sql[position + 1] === "*") {
          depth += 1; // PostgreSQL nests block comments.
          position += 2;
        } else {
          position += 1;
        }
      }
      if (depth > 0) return fail("unterminated /* comment", index);
      const third = sql[index + 2];
      const commentKind =
        dialect === "mysql" && (third === "!" || (third === "M" && sql[index + 3] === "!"))
          ? "executable"
          : third === "+"
            ? "hint"
            : "plain";
      push("comment", index, position, undefined, commentKind);
      index = position;
      continue;
    }

    if (char === "'") {
      const previous = tokens.at(-1);
      const escapeString =
        dialect === "postgresql" && previous?.kind === "word" && previous.end === index && /^[eE]$/.test(previous.text);
      const quoted = readQuoted(index, "'", escapeString || (dialect !== "sqlite" && mode.singleQuoteBackslash));
      if (!quoted) return fail("unterminated string literal", index);
      push("string", index, quoted.end, quoted.value);
      index = quoted.end;
      continue;
    }

    if (char === '"') {
      const isString = dialect === "mysql" && mode.doubleQuoteIsString;
      const quoted = readQuoted(index, '"', isString && mode.singleQuoteBackslash);
      if (!quoted) return fail(isString ? "unterminated string literal" : "unterminated quoted identifier", index);
      push(isString ? "string" : "quoted_identifier", index, quoted.end, quoted.value);
      index = quoted.end;
      continue;
    }

    if ((char === "`" && dialect !== "postgresql") || (char === "[" && dialect === "sqlite")) {
      const quoted = readQuoted(index, char === "[" ? "]" : "`", false);
      if (!quoted) return fail("unterminated quoted identifier", index);
      push("quoted_identifier", index, quoted.end, quoted.value);
      index = quoted.end;
      continue;
    }

    if (char === "$" && dialect === "postgresql") {
      const dollar = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
      dollar.lastIndex = index;
      const opening = dollar.exec(sql);
      if (opening) {
        const delimiter = opening[0];
        const close = sql.indexOf(delimiter, index + delimiter.length);
        if (close < 0) return fail(`unterminated dollar-quoted string ${delimiter}`, index);
        push("string", index, close + delimiter.length, sql.slice(index + delimiter.length, close));
        index = close + delimiter.length;
        continue;
      }
      let end = index + 1;
      while (end < length && isDigit(sql.charCodeAt(end))) end += 1;
      push(end > index + 1 ? "word" : "punct", index, end);
      index = end;
      continue;
    }

    if (isDigit(code)) {
      // A number ends at its last digit: "1sleep(5)" reads as 1 followed by sleep(5), the cautious reading.
      let end = index;
      while (end < length && isDigit(sql.charCodeAt(end))) end += 1;
      push("word", index, end);
      index = end;
      continue;
    }

    if (isWordChar(code)) {
      let end = index;
      while (end < length && isWordChar(sql.charCodeAt(end))) end += 1;
      push("word", index, end);
      index = end;
      continue;
    }

    if (char === ":" && next === "=") {
      push("punct", index, index + 2);
      index += 2;
      continue;
    }

    if (code < 32 || code === 127) {
      push("invalid", index, index + 1);
      index += 1;
      continue;
    }

    push("punct", index, index + 1);
    index += 1;
  }
  return { ok: true, tokens };
}
