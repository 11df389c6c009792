/**
 * Pulls the SQL statement out of whatever a model wrote. Small models wrap SQL in many ways: a ```sql
 * fence, a plain fence, an unterminated fence (the answer was cut), `SQL:` before it, inline backticks,
 * a <think> block before it, an explanation after it, several drafts ("Corrected query:"). The rule:
 * reasoning is dropped, fenced code wins over prose, and of several candidates the last complete
 * SELECT/WITH statement is taken (models put their final answer last).
 *
 * Nothing here decides whether the statement is safe: the guard does, on what this returns. When there
 * is no SELECT but another statement (`DELETE …`), that statement is returned for the guard to refuse.
 */
export function extractSql(text: string): string | null {
  const visible = withoutReasoning(text);
  const fromFences = fencedBlocks(visible).flatMap(statementsIn);
  const candidates = fromFences.length > 0 ? fromFences : proseStatements(visible);
  if (candidates.length === 0 && visible !== text) {
    // Everything was inside an unclosed <think>: the statement may still be in there.
    return extractSql(text.replace(/<\/?think>/gi, "\n"));
  }
  const complete = candidates.filter(isComplete);
  return complete.at(-1) ?? candidates.at(-1) ?? otherStatement(visible);
}

const otherVerbs = /(?:^|\n|:)\s*(?:INSERT|UPDATE|DELETE|MERGE|REPLACE|UPSERT|DROP|CREATE|ALTER|TRUNCATE|RENAME|GRANT|REVOKE|ATTACH|DETACH|PRAGMA|VACUUM|COPY|CALL|EXEC|EXECUTE|DO|SET|LOAD|HANDLER|LOCK|UNLOCK|SHOW|DESCRIBE|EXPLAIN|VALUES|TABLE)\b/i;

/**
 * No SELECT anywhere, but the model wrote some other statement (`DELETE FROM "Track"`): it is returned
 * as written, so the guard refuses it with its own code and message, which the correction loop feeds
 * back, and the attempt is recorded as refused rather than as unreadable.
 */
function otherStatement(text: string): string | null {
  const blocks = fencedBlocks(text);
  const paragraphs = text.replace(/^\s*(?:SQL(?:\s+query)?|Query|Answer)\s*:\s*/gim, "\n").split(/\n\s*\n/);
  for (const candidate of blocks.length > 0 ? [...blocks].reverse() : paragraphs.reverse()) {
    const found = otherVerbs.exec(candidate);
    if (found === null) continue;
    const start = found.index + found[0].search(/[A-Za-z]/);
    return tidy(candidate.slice(start, statementEnd(candidate, start, false)));
  }
  return null;
}

/** Drops <think>…</think> blocks; text before a lone `</think>` (the opening tag was in the chat template) too. */
function withoutReasoning(text: string): string {
  let visible = text.replace(/<think>[\s\S]*?<\/think>/gi, "\n");
  const closing = visible.search(/<\/think>/i);
  if (closing >= 0) visible = visible.slice(closing + "</think>".length);
  const opening = visible.search(/<think>/i);
  if (opening >= 0) visible = visible.slice(0, opening);
  return visible;
}

/** Contents of ``` fences, SQL-labelled or unlabelled first; an unterminated last fence counts. */
function fencedBlocks(text: string): string[] {
  const blocks: Array<{ label: string; body: string }> = [];
  const fence = /(^|\n)[ \t]*(`{3,}|~{3,})[ \t]*([\w+-]*)[^\n]*\n([\s\S]*?)(?:\n[ \t]*\2[ \t]*(?=\n|$)|$)/g;
  for (const match of text.matchAll(fence)) blocks.push({ label: (match[3] ?? "").toLowerCase(), body: match[4] ?? "" });
  const sqlish = blocks.filter((block) => block.label === "" || /sql/.test(block.label));
  return (sqlish.length > 0 ? sqlish : blocks).map((block) => block.body);
}

const withStart = /\bWITH\s+(?:RECURSIVE\s+)?(?:[A-Za-z_][\w$]*|"[^"]+"|`[^`]+`)\s*(?:\([^()]*\))?\s+AS\s*(?:(?:NOT\s+)?MATERIALIZED\s*)?\(/gi;
const selectStart = /\bSELECT\b/gi;

/** Where statements may begin in a text: every SELECT, and every WITH that opens a CTE. */
function statementStarts(text: string): number[] {
  const starts = new Set<number>();
  for (const match of text.matchAll(withStart)) starts.add(match.index);
  for (const match of text.matchAll(selectStart)) starts.add(match.index);
  return [...starts].sort((left, right) => left - right);
}

/** The statements of a code block: from each top-level start to its end, overlapping ones skipped. */
function statementsIn(block: string): string[] {
  const found: string[] = [];
  let consumedUpTo = -1;
  for (const start of statementStarts(block)) {
    if (start < consumedUpTo) continue;
    const end = statementEnd(block, start, false);
    const statement = tidy(block.slice(start, end));
    if (statement !== "") found.push(statement);
    consumedUpTo = end;
  }
  return found;
}

/**
 * Statements in prose (no fence): a start counts where it begins a line, follows a colon or backtick, or
 * is written in capitals, so "we select the tracks" is not taken for SQL.
 */
function proseStatements(text: string): string[] {
  const cleaned = text.replace(/^\s*(?:SQL(?:\s+query)?|Query|Answer)\s*:\s*/gim, "\n");
  const found: string[] = [];
  let consumedUpTo = -1;
  for (const start of statementStarts(cleaned)) {
    if (start < consumedUpTo) continue;
    const before = cleaned.slice(Math.max(0, start - 3), start);
    const keyword = cleaned.slice(start, start + 6);
    const atLineStart = /(^|\n)[ \t>*-]*$/.test(cleaned.slice(Math.max(0, start - 20), start)) || start === 0;
    if (!(atLineStart || /[:`"]\s*$/.test(before) || keyword === keyword.toUpperCase())) continue;
    const end = statementEnd(cleaned, start, true);
    const statement = tidy(cleaned.slice(start, end));
    if (statement !== "") found.push(statement);
    consumedUpTo = end;
  }
  return found;
}

/** A line of explanation: a sentence of ordinary words, not SQL. */
function looksLikeProse(line: string): boolean {
  const trimmed = line.trim();
  if (/^(?:this|the|here|note|explanation|it|i|we|you|these|that|which|where the|in this|to |because|so )\b/i.test(trimmed) && !/^(?:where|with)\s/i.test(trimmed)) {
    return !/^the\s*$/i.test(trimmed);
  }
  return /^[A-Z][a-z]+(?:\s+[a-z',]+){3,}.*[.!?:]$/.test(trimmed);
}

/**
 * Where the statement starting at `start` ends: at a `;` outside quotes, a closing backtick in prose, a
 * blank line followed by prose, or a line of prose. Quotes and parentheses are tracked so a `;` or a
 * blank line inside a string does not end it.
 */
function statementEnd(text: string, start: number, inProse: boolean): number {
  let quote: string | null = null;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (quote !== null) {
      if (char === quote) quote = text[index + 1] === quote ? (index += 1, quote) : null;
      continue;
    }
    if (char === "'" || char === '"' || (char === "`" && !inProse)) {
      quote = char;
      continue;
    }
    if (char === ";") return index;
    if (char === "`" && inProse) return index;
    if (char === "-" && text[index + 1] === "-") {
      const lineEnd = text.indexOf("\n", index);
      index = lineEnd < 0 ? text.length : lineEnd - 1;
      continue;
    }
    if (char === "\n") {
      const rest = text.slice(index + 1);
      const nextLine = rest.split("\n", 1)[0] ?? "";
      if (nextLine.trim() === "") {
        const following = rest.replace(/^\s*\n/, "").split("\n", 1)[0] ?? "";
        if (inProse || following.trim() === "" || looksLikeProse(following)) return index;
      }
      if (looksLikeProse(nextLine)) return index;
    }
  }
  return text.length;
}

/** Trims, drops trailing semicolons and line comments after the statement, and collapses CRLF. */
function tidy(statement: string): string {
  return statement
    .replace(/\r\n?/g, "\n")
    .replace(/(?:\s|;)+$/, "")
    .trim();
}

/** Balanced quotes and parentheses, and not ending on a word or sign that needs more after it. */
function isComplete(statement: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let index = 0; index < statement.length; index += 1) {
    const char = statement[index];
    if (quote !== null) {
      if (char === quote) quote = statement[index + 1] === quote ? (index += 1, quote) : null;
      continue;
    }
    if (char === "'" || char === '"' || char === "`") quote = char;
    else if (char === "(") depth += 1;
    else if (char === ")") depth -= 1;
    if (depth < 0) return false;
  }
  if (quote !== null || depth !== 0) return false;
  if (/(?:,|\(|=|<|>|\+|-|\b(?:SELECT|FROM|WHERE|AND|OR|JOIN|ON|BY|AS|WITH|HAVING|LIMIT|UNION|ALL|IN|NOT|LIKE|BETWEEN|CASE|WHEN|THEN|ELSE))\s*$/i.test(statement)) return false;
  return /\bSELECT\b/i.test(statement);
}
