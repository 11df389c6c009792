import { type SqlDialect } from "../column-family.ts";
import { lexModes, tokenizeSql } from "../guard/tokenize-sql.ts";

/** A piece of a SQL template: SQL text written by the workflow's author, or a value from the run. */
export type SqlTemplateSegment = { sql: string } | { value: unknown; name: string };

export type RenderSqlTemplateResult = { ok: true; sql: string } | { ok: false; message: string };

/**
 * A value as a SQL literal of the dialect. Strings are single-quoted with quotes doubled; where a
 * backslash could be read as an escape (MySQL by default, PostgreSQL with standard_conforming_strings
 * off) the string is written so every reading gives the same text: MySQL doubles backslashes too
 * (with NO_BACKSLASH_ESCAPES the value then has two, but it can never end the string early), PostgreSQL
 * uses an E'' string with both escaped. Negative numbers are parenthesised, so `x -{{v}}` cannot become
 * a `--` comment. Arrays become comma-separated lists (for `IN (...)`), an empty one `NULL` (matches
 * nothing); objects become their JSON as a string.
 */
export function sqlLiteral(value: unknown, dialect: SqlDialect): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return "NULL";
    return value < 0 || Object.is(value, -0) ? `(${String(value)})` : String(value);
  }
  if (typeof value === "bigint") return value < 0n ? `(${value.toString()})` : value.toString();
  if (Array.isArray(value)) return value.length === 0 ? "NULL" : value.map((item) => (Array.isArray(item) ? sqlLiteral(JSON.stringify(item), dialect) : sqlLiteral(item, dialect))).join(", ");
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return stringLiteral(text, dialect);
}

function stringLiteral(text: string, dialect: SqlDialect): string {
  const quoted = text.replaceAll("'", "''");
  if (!text.includes("\\")) return `'${quoted}'`;
  if (dialect === "mysql") return `'${quoted.replaceAll("\\", "\\\\")}'`;
  if (dialect === "postgresql") return `E'${quoted.replaceAll("\\", "\\\\")}'`;
  return `'${quoted}'`;
}

const marker = (index: number) => `tandem_value_${index}_`;

/**
 * Renders a SQL template whose values come from a run (`SELECT … WHERE Name = {{#start.artist#}}`). A
 * value never becomes SQL text: it is written as a literal (see `sqlLiteral`), and only where a literal
 * can stand. The template is first lexed with every value replaced by a marker word, under every quoting
 * mode the dialect's servers may use; each marker must come out as a word of its own, so a reference
 * inside quotes (`'{{#a.b#}}'`), a comment, a quoted identifier or glued to another word is refused
 * with a message saying how to write it. The result still goes through the guard when executed.
 */
export function renderSqlTemplate(segments: readonly SqlTemplateSegment[], dialect: SqlDialect): RenderSqlTemplateResult {
  const values: Array<{ value: unknown; name: string }> = [];
  const skeleton = segments.map((segment) => ("sql" in segment ? segment.sql : (values.push(segment), marker(values.length - 1)))).join("");
  for (const mode of lexModes(dialect)) {
    const lexed = tokenizeSql(skeleton, dialect, mode);
    if (!lexed.ok) return { ok: false, message: `The SQL template does not lex as ${dialect} SQL (${mode.name}): ${lexed.message}` };
    const standalone = new Set(lexed.tokens.filter((token) => token.kind === "word").map((token) => token.value));
    for (const [index, entry] of values.entries()) {
      if (standalone.has(marker(index))) continue;
      const around = lexed.tokens.find((token) => token.text.includes(marker(index)));
      const where = around === undefined ? "next to other text" : around.kind === "string" ? "inside a quoted string" : around.kind === "comment" ? "inside a comment" : around.kind === "quoted_identifier" ? "inside a quoted name" : "glued to other text";
      return {
        ok: false,
        message: `The value {{#${entry.name}#}} is ${where} in the SQL template. Write it on its own, without quotes (e.g. WHERE Name = {{#${entry.name}#}}): it is inserted as a properly quoted literal.`,
      };
    }
  }
  const sql = segments.map((segment) => ("sql" in segment ? segment.sql : sqlLiteral(segment.value, dialect))).join("");
  return { ok: true, sql };
}
